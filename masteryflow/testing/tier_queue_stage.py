"""A real n8n in queue mode for the tier-priority and autoscaling features.

Its own n8n database (n8n_prio_*), Redis DB 4 under its own Bull prefix, one n8n team project per
tier with the wait-then-answer workflow imported into it (`n8n import:workflow --projectId`),
n8n main (webhooks) and workers, all through the worker area's process layer.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import shutil
import tempfile
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import psycopg
import redis
import requests
from psycopg.rows import dict_row

from masteryflow import db
from masteryflow.worker.n8n import N8nProcess, run_cli
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.runtime import Runtime, find_runtime
from masteryflow.worker.settings import WorkerSettings, load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
# a template (not under workflows/, which other fixtures import wholesale)
WORKFLOW_TEMPLATE = REPO_ROOT / "fixtures_data" / "n8n" / "templates" / "tier_queue_wait.json"
TIERS = ("vip", "premium", "pro", "free")
REDIS_DB = 4
_stage_numbers = itertools.count(1)

EXECUTIONS_QUERY = """
    SELECT e.id::text AS execution_id, e.status, e."startedAt" AS started_at, e."stoppedAt" AS stopped_at,
           s."projectId" AS project_id
    FROM execution_entity e JOIN shared_workflow s ON s."workflowId" = e."workflowId"
    ORDER BY e.id"""


@dataclass
class RunRequest:
    tier: str
    requested_at: float  # wall clock seconds
    answer: Future       # -> requests.Response

    def execution_id(self, timeout: float = 180.0) -> str | None:
        response = self.answer.result(timeout)
        if response.status_code != 200:
            return None
        body = response.json()
        return str((body[0] if isinstance(body, list) else body).get("executionId"))


class TierQueueStage:
    def __init__(self, server_url: str, redis_url: str, runtime: Runtime | None = None):
        number = f"{os.getpid()}_{next(_stage_numbers)}"
        self.server_url = server_url
        self.database = f"n8n_prio_{number}"
        self.prefix = f"mf_prio_{number}"
        self.directory = Path(tempfile.mkdtemp(prefix="mf-prio-stage-"))
        self.runtime = runtime or find_runtime()
        self.projects = {tier: f"mfprio-{tier}-{secrets.token_hex(4)}" for tier in TIERS}
        self.settings = self._settings(redis_url)
        self.queue = BullQueue(redis.Redis(host=self.settings.redis.host, port=self.settings.redis.port,
                                           db=REDIS_DB, decode_responses=True), prefix=self.prefix)
        self.main: N8nProcess | None = None
        self.workers: list[N8nProcess] = []
        self._http = ThreadPoolExecutor(max_workers=48, thread_name_prefix="webhook")

    def _settings(self, redis_url: str, **extra: str) -> WorkerSettings:
        pg, rd = urlsplit(self.server_url), urlsplit(redis_url)
        return load_settings({
            "DB_POSTGRESDB_HOST": pg.hostname or "127.0.0.1", "DB_POSTGRESDB_PORT": str(pg.port or 5432),
            "DB_POSTGRESDB_USER": pg.username or "postgres", "DB_POSTGRESDB_PASSWORD": pg.password or "",
            "DB_POSTGRESDB_DATABASE": self.database,
            "QUEUE_BULL_REDIS_HOST": rd.hostname or "127.0.0.1", "QUEUE_BULL_REDIS_PORT": str(rd.port or 6379),
            "QUEUE_BULL_REDIS_DB": str(REDIS_DB), "QUEUE_BULL_PREFIX": self.prefix,
            "N8N_ENCRYPTION_KEY": secrets.token_hex(24), "MASTERYFLOW_WORKER_CONCURRENCY": "1", **extra})

    # -- building -------------------------------------------------------------------------------
    def prepare(self) -> None:
        """n8n's database migrated, one team project per tier, its workflow imported and published."""
        db.create_database(self.server_url, self.database)
        self._cli("list:workflow")  # runs n8n's migrations
        with self.n8n_db() as conn:
            for tier, project_id in self.projects.items():
                conn.execute("INSERT INTO project (id, name, type) VALUES (%s, %s, 'team')",
                             (project_id, f"MasteryFlow {tier} customer"))
        files = {tier: self._write_workflow(tier) for tier in TIERS}
        self._in_parallel([(lambda t=t: self._cli("import:workflow", f"--input={files[t]}",
                                                    f"--projectId={self.projects[t]}")) for t in TIERS])
        self._in_parallel([(lambda t=t: self._cli("publish:workflow", f"--id={self.workflow_id(t)}"))
                           for t in TIERS])

    def workflow_id(self, tier: str) -> str:
        # unique per stage: n8n caches a workflow's project in Redis under the workflow id
        return f"mfPrio{tier[:2].capitalize()}{self.projects[tier][-8:]}"

    def _write_workflow(self, tier: str) -> Path:
        text = WORKFLOW_TEMPLATE.read_text()
        for placeholder, value in (("workflow_id", self.workflow_id(tier)), ("tier", tier),
                                   ("path", f"{self.prefix}-{tier}"),
                                   ("webhook_id", str(uuid.uuid4())), ("wait_id", str(uuid.uuid4()))):
            text = text.replace("{{" + placeholder + "}}", value)
        path = self.directory / f"workflow-{tier}.json"
        path.write_text(text)
        return path

    def _cli(self, *args: str) -> str:
        return run_cli(self.runtime, self.settings, self.directory / "cli", *args)

    @staticmethod
    def _in_parallel(calls: list[Callable[[], object]]) -> None:
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            for future in [pool.submit(call) for call in calls]:
                future.result()

    # -- processes ------------------------------------------------------------------------------
    def start_main(self) -> None:
        self.main = N8nProcess.main(self.runtime, self.settings, self.directory / "main")
        self.main.start()
        self.main.wait_ready(120)
        with self.n8n_db() as conn:  # main registers published webhooks just after it is ready
            self.wait_for(lambda: conn.execute("SELECT count(*) AS n FROM webhook_entity").fetchone()["n"]
                          >= len(TIERS), "the tier workflows' webhooks")

    def start_worker(self, concurrency: int = 1) -> N8nProcess:
        worker = N8nProcess.worker(self.runtime, self.settings, self.directory / f"worker-{len(self.workers) + 1}",
                                   concurrency)
        worker.start()
        worker.wait_ready(120)
        self.workers.append(worker)
        return worker

    def close(self) -> None:
        self._http.shutdown(wait=False, cancel_futures=True)
        for process in [*self.workers, self.main]:
            if process is not None:
                process.stop(15)
        patterns = [f"{self.prefix}:*", f"n8n:cache:*{self.prefix}*",  # n8n's own cache in the same Redis DB
                    *(f"n8n:cache:*{self.workflow_id(tier)}*" for tier in TIERS)]
        keys = [key for pattern in patterns for key in self.queue.client.scan_iter(match=pattern, count=1000)]
        if keys:
            self.queue.client.delete(*keys)
        self.queue.client.close()
        db.drop_database(self.server_url, self.database)
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- runs -----------------------------------------------------------------------------------
    def request_run(self, tier: str, seconds: float = 1.0) -> RunRequest:
        """POST to the tier's webhook; the answer comes when the execution has finished."""
        url = f"{self.main.base_url}/webhook/{self.prefix}-{tier}"
        answer = self._http.submit(requests.post, url, json={"seconds": seconds}, timeout=240)
        return RunRequest(tier, time.time(), answer)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} not seen within {timeout:.0f} s")
            time.sleep(0.02)

    def n8n_db(self) -> psycopg.Connection:
        return psycopg.connect(db.with_database(self.server_url, self.database), autocommit=True,
                               row_factory=dict_row)

    def executions(self) -> list[dict]:
        """n8n's execution records with the project each ran in, in id order."""
        with self.n8n_db() as conn:
            return conn.execute(EXECUTIONS_QUERY).fetchall()

    def workflow_json(self, tier: str) -> dict:
        return json.loads((self.directory / f"workflow-{tier}.json").read_text())


def tier_queue_stage(context):
    """behave fixture (@fixture.n8n_tier_queue): the stage with n8n main running, for one feature."""
    stage = TierQueueStage(context.services.database_url, context.redis_url)
    try:
        stage.prepare()
        stage.start_main()
    except BaseException:
        stage.close()
        raise
    context.tier_queue = stage
    yield stage
    stage.close()
