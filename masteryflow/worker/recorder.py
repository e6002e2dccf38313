"""Records real n8n executions in the platform database: a run admitted by request_execution
is started (start_execution) when n8n has started it and finished (finish_execution) when n8n
has finished it, through the platform's own SQL rules."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

import psycopg
from psycopg.rows import dict_row

from masteryflow.worker import n8n_records
from masteryflow.worker.connections import postgres_connect
from masteryflow.worker.platform_runs import run_token
from masteryflow.worker.settings import WorkerSettings

log = logging.getLogger("masteryflow.worker")
ATTRIBUTION_GRACE = timedelta(seconds=10)  # time for the worker's log line to be read
UNATTRIBUTED_WORKER = "not-a-local-worker"
OUTCOME_OF_N8N_STATUS = {"success": "success", "error": "error", "crashed": "crashed", "canceled": "error"}

OPEN_RUNS = """
SELECT e.id, e.status, e.requested_at, w.n8n_workflow_id
FROM executions e JOIN workflows w ON w.id = e.workflow_id
WHERE e.status IN ('queued', 'running') AND w.n8n_workflow_id IS NOT NULL
  AND e.requested_at > now() - interval '2 days'
ORDER BY e.id
"""


class ExecutionRecorder:
    def __init__(self, settings: WorkerSettings, worker_of: Callable[[str], str | None],
                 platform_database_url: str | None = None):
        self.settings = settings
        self.worker_of = worker_of
        self.platform_database_url = platform_database_url or settings.platform_database_url

    def sync(self, _supervisor=None) -> int:
        """Bring every open platform run up to date with n8n; returns how many changed."""
        changed = 0
        with psycopg.connect(self.platform_database_url, autocommit=True, row_factory=dict_row,
                             connect_timeout=3) as platform, postgres_connect(self.settings.postgres) as n8n:
            for run in platform.execute(OPEN_RUNS).fetchall():
                found = n8n_records.find_by_token(n8n, run["n8n_workflow_id"], run_token(run["id"]))
                if found is not None:
                    changed += self.record(platform, run, found)
        return changed

    def record(self, platform, run: dict, found: n8n_records.N8nExecution) -> int:
        worker = self.worker_of(found.id)
        if worker is None and not self._attribution_overdue(found):
            return 0
        changed = 0
        if run["status"] == "queued" and found.started_at is not None:
            started = max(found.started_at, run["requested_at"])
            platform.execute("SELECT start_execution(%s, %s, %s, %s)",
                             (run["id"], found.id, worker or UNATTRIBUTED_WORKER, started))
            changed = 1
        if found.finished:
            outcome = OUTCOME_OF_N8N_STATUS[found.status]
            message = found.error_message or (f"n8n reported the run as {found.status}" if outcome == "error" else None)
            platform.execute("SELECT finish_execution(%s, %s, %s, %s, %s)",
                             (run["id"], outcome, max(found.stopped_at, run["requested_at"]), message,
                              found.failed_node if outcome == "error" else None))
            changed = 1
            log.info("run %s finished in n8n execution %s: %s", run["id"], found.id, outcome)
        return changed

    @staticmethod
    def _attribution_overdue(found: n8n_records.N8nExecution) -> bool:
        moment = found.stopped_at or found.started_at
        return moment is not None and datetime.now(timezone.utc) - moment > ATTRIBUTION_GRACE
