"""A real n8n installation for the fault features whose queue is a redis-server of its own
(on a free port, persistent, restartable) and whose databases (n8n's and the platform's) live
on a PostgreSQL cluster of its own, so restarting "the VPS queue" or dropping "the VPS
database's" connections never touches the machine's shared services. Built on the worker area's
n8n_stack: n8n main with the test workflows, and the local worker side (`worker up`:
supervisor, monitor, recorder, health endpoint)."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from masteryflow import db
from masteryflow.testing.databases import DatabaseFactory
from masteryflow.testing.n8n_stack import N8nStack, WEBHOOK_PATHS, WORKFLOW_IDS, start_stack, stop_stack
from masteryflow.testing.own_postgres import OwnPostgres
from masteryflow.testing.own_redis import OwnRedis
from masteryflow.testing.run_traffic import RunTraffic
from masteryflow.testing.watching import BackgroundWatch

WORKERS, CONCURRENCY = 2, 2


@dataclass
class MemoryWatch(BackgroundWatch):
    """Samples the local side's resident memory (workers, task runners, companion) while it runs."""
    read_bytes: callable
    every_seconds: float = 0.25
    samples: list[int] = field(default_factory=list)

    def observe(self) -> None:
        self.samples.append(self.read_bytes())

    @property
    def peak_bytes(self) -> int:
        return max(self.samples, default=0)


@dataclass
class ResilienceStage:
    stack: N8nStack
    queue_server: OwnRedis
    database_server: OwnPostgres
    traffic: RunTraffic

    @property
    def database_urls(self) -> list[str]:
        """n8n's database and the platform database."""
        return [n8n_database_url(self.stack), self.stack.platform.url]

    @property
    def supervisor(self):
        return self.stack.side.supervisor

    def worker_running_a_run(self, timeout: float = 30.0):
        """The first worker whose log says it started a new execution from now on."""
        deadline = time.monotonic() + timeout
        seen = {name: len(w.executions_started()) for name, w in self.supervisor.workers.items()}
        while time.monotonic() < deadline:
            for name, worker in self.supervisor.workers.items():
                if len(worker.executions_started()) > seen[name]:
                    return worker
            time.sleep(0.02)
        raise TimeoutError(f"no worker started an execution within {timeout:.0f} s")


def n8n_database_url(stack: N8nStack) -> str:
    return db.with_database(stack.server_url, stack.settings.postgres.database)


def resilience_stack(context):
    """behave fixture (@fixture.resilience_stack): one installation per feature, about a minute to start."""
    queue_server = OwnRedis(Path(tempfile.mkdtemp(prefix="mf-res-redis-"))).start()
    database_server = OwnPostgres(password=secrets.token_hex(12))
    try:
        database_server.start()
        databases = DatabaseFactory(database_server.url())
        stack = start_stack(database_server.url(), queue_server.url(), databases, workers=WORKERS,
                            concurrency=CONCURRENCY, sample_interval=2, stuck_after=5)
    except BaseException:
        queue_server.stop()
        database_server.remove()
        raise
    traffic = RunTraffic(stack.platform.url, n8n_database_url(stack), stack.n8n_url, WEBHOOK_PATHS["wait"],
                         WORKFLOW_IDS["wait"])
    context.stage = stage = ResilienceStage(stack, queue_server, database_server, traffic)
    yield stage
    stage.traffic.close()
    stop_stack(stack, databases)
    database_server.remove()
    queue_server.stop()
    shutil.rmtree(queue_server.workdir, ignore_errors=True)
