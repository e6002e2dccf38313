"""Records real n8n executions in the platform database: a run admitted by request_execution
is started (start_execution) when n8n has started it and finished (finish_execution) when n8n
has finished it, through the platform's own SQL rules.

Nothing is left open: a run whose local worker died while running it is recorded as crashed as
soon as the supervisor sees the worker gone (n8n itself notices only when the job's lock expires,
about 100 s later, and does not retry it). When n8n's verdict comes first (a worker on another
machine), its stalled-job error is recorded as crashed too, as is a run n8n ended without ever
starting it, and a run n8n never received (its webhook call failed): the platform's rules let only
a crash end a queued run.
"""

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
from masteryflow.worker.worker_log import LostExecution

log = logging.getLogger("masteryflow.worker")
ATTRIBUTION_GRACE = timedelta(seconds=10)  # time for the worker's log line to be read
LOST_KEPT = timedelta(minutes=10)          # a lost execution no open run claims is forgotten after this
# n8n stores an execution before it queues it: a run with none this long after its request never
# reached n8n (its webhook call failed) and will not run
NEVER_RECEIVED_AFTER = timedelta(minutes=2)
UNATTRIBUTED_WORKER = "not-a-local-worker"
OUTCOME_OF_N8N_STATUS = {"success": "success", "error": "error", "crashed": "crashed", "canceled": "error"}

OPEN_RUNS = """
SELECT e.id, e.status, e.requested_at, e.started_at, e.n8n_execution_id, w.n8n_workflow_id
FROM executions e JOIN workflows w ON w.id = e.workflow_id
WHERE e.status IN ('queued', 'running') AND w.n8n_workflow_id IS NOT NULL
  AND e.requested_at > now() - interval '2 days'
ORDER BY e.id
"""
START = "SELECT start_execution(%s, %s, %s, %s)"
FINISH = "SELECT finish_execution(%s, %s, %s, %s, %s)"


class ExecutionRecorder:
    def __init__(self, settings: WorkerSettings, worker_of: Callable[[str], str | None],
                 platform_database_url: str | None = None,
                 take_lost: Callable[[], list[LostExecution]] = list):
        self.settings = settings
        self.worker_of = worker_of
        self.take_lost = take_lost
        self.platform_database_url = platform_database_url or settings.platform_database_url
        self.execution_of_run: dict[int, str] = {}     # platform run -> n8n execution id, once seen
        self.lost: dict[str, LostExecution] = {}       # n8n execution id -> how its worker died

    def sync(self, _supervisor=None) -> int:
        """Bring every open platform run up to date with n8n; returns how many changed."""
        self.lost.update((item.execution_id, item) for item in self.take_lost())
        changed = 0
        with psycopg.connect(self.platform_database_url, autocommit=True, row_factory=dict_row,
                             connect_timeout=3) as platform, postgres_connect(self.settings.postgres) as n8n:
            for run in platform.execute(OPEN_RUNS).fetchall():
                try:
                    changed += self.reconcile(platform, n8n, run)
                except psycopg.OperationalError:
                    raise
                except psycopg.Error as refused:  # one run the rules refuse must not hold up the others
                    log.warning("run %s not recorded: %s", run["id"], refused.diag.message_primary or refused)
        self._forget_old_losses()
        return changed

    def reconcile(self, platform, n8n, run: dict) -> int:
        known = run["n8n_execution_id"] or self.execution_of_run.get(run["id"])
        found = (n8n_records.find_by_id(n8n, known) if known else
                 n8n_records.find_by_token(n8n, run["n8n_workflow_id"], run_token(run["id"])))
        if found is None:
            if known:
                return self.crash(platform, run, known, "n8n's record of the execution is gone")
            if datetime.now(timezone.utc) - run["requested_at"] > NEVER_RECEIVED_AFTER:
                return self.crash(platform, run, None, f"n8n never received it (no execution "
                                                       f"{NEVER_RECEIVED_AFTER.seconds} s after the request)")
            return 0
        self.execution_of_run[run["id"]] = found.id
        lost = self.lost.pop(found.id, None)
        if lost is not None and not found.finished:
            return self.crash(platform, run, found.id, f"worker {lost.worker} died while running it", lost)
        return self.record(platform, run, found)

    def record(self, platform, run: dict, found: n8n_records.N8nExecution) -> int:
        worker = self.worker_of(found.id)
        if worker is None and not self._attribution_overdue(found):
            return 0
        changed = 0
        if run["status"] == "queued" and found.started_at is not None:
            started = max(found.started_at, run["requested_at"])
            platform.execute(START, (run["id"], found.id, worker or UNATTRIBUTED_WORKER, started))
            run = {**run, "status": "running", "started_at": started}
            changed = 1
        if found.finished:
            if run["status"] == "queued":  # n8n ended it without starting it: only a crash ends that
                return self.crash(platform, run, found.id, f"n8n ended it as {found.status} before it started")
            outcome = "crashed" if found.worker_lost else OUTCOME_OF_N8N_STATUS[found.status]
            message = found.error_message or (f"n8n reported the run as {found.status}" if outcome == "error" else None)
            platform.execute(FINISH, (run["id"], outcome, self._end_of(run, found.stopped_at), message,
                                      found.failed_node if outcome == "error" else None))
            changed = 1
            self.execution_of_run.pop(run["id"], None)
            log.info("run %s finished in n8n execution %s: %s", run["id"], found.id, outcome)
        return changed

    def crash(self, platform, run: dict, execution_id: str | None, why: str,
              lost: LostExecution | None = None) -> int:
        """Record the run as crashed (started first when its worker is known, so the platform keeps
        which n8n execution and worker it was)."""
        if run["status"] == "queued" and lost is not None:
            started = max(lost.started_seen_at, run["requested_at"])
            platform.execute(START, (run["id"], execution_id, lost.worker, started))
            run = {**run, "started_at": started}
        at = lost.lost_at if lost is not None else None
        message = why if execution_id is None else f"n8n execution {execution_id}: {why}"
        platform.execute(FINISH, (run["id"], "crashed", self._end_of(run, at), message, None))
        self.execution_of_run.pop(run["id"], None)
        log.warning("run %s crashed: %s", run["id"], message)
        return 1

    @staticmethod
    def _end_of(run: dict, moment: datetime | None) -> datetime:
        """The finish time: n8n's (or now), never before the run's start or request."""
        return max(moment or datetime.now(timezone.utc), run["started_at"] or run["requested_at"])

    @staticmethod
    def _attribution_overdue(found: n8n_records.N8nExecution) -> bool:
        moment = found.stopped_at or found.started_at
        if moment is None:  # n8n ended it without recording when: nothing more will be learned
            return found.finished
        return datetime.now(timezone.utc) - moment > ATTRIBUTION_GRACE

    def _forget_old_losses(self) -> None:
        horizon = datetime.now(timezone.utc) - LOST_KEPT
        self.lost = {key: item for key, item in self.lost.items() if item.lost_at > horizon}
