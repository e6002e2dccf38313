"""A real n8n installation for the fault features whose queue is a redis-server of its own
(on a free port, persistent, restartable), so restarting "the VPS queue" never touches the
machine's shared Redis. Built on the worker area's n8n_stack: n8n main with the test workflows,
and the local worker side (`worker up`: supervisor, monitor, recorder, health endpoint)."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from masteryflow.testing.n8n_stack import N8nStack, WEBHOOK_PATHS, WORKFLOW_IDS, start_stack, stop_stack
from masteryflow.testing.own_redis import OwnRedis
from masteryflow.testing.run_traffic import RunTraffic

WORKERS, CONCURRENCY = 2, 2


@dataclass
class MemoryWatch:
    """Samples the local side's resident memory (workers, task runners, companion) while it runs."""
    read_bytes: callable
    every_seconds: float = 0.25
    samples: list[int] = field(default_factory=list)

    def __enter__(self) -> "MemoryWatch":
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="memory-watch", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.read_bytes())
            self._stop.wait(self.every_seconds)

    @property
    def peak_bytes(self) -> int:
        return max(self.samples, default=0)


@dataclass
class ResilienceStage:
    stack: N8nStack
    queue_server: OwnRedis
    traffic: RunTraffic

    @property
    def supervisor(self):
        return self.stack.side.supervisor

    def worker_running_a_run(self, timeout: float = 30.0):
        """The first worker whose log says it started an execution since `since` (name, process)."""
        deadline = time.monotonic() + timeout
        seen = {name: len(w.executions_started()) for name, w in self.supervisor.workers.items()}
        while time.monotonic() < deadline:
            for name, worker in self.supervisor.workers.items():
                if len(worker.executions_started()) > seen[name]:
                    return worker
            time.sleep(0.02)
        raise TimeoutError(f"no worker started an execution within {timeout:.0f} s")


def resilience_stack(context):
    """behave fixture (@fixture.resilience_stack): one installation per feature, about a minute to start."""
    queue_server = OwnRedis(Path(tempfile.mkdtemp(prefix="mf-res-redis-"))).start()
    try:
        stack = start_stack(context.services.database_url, queue_server.url(), context.databases, workers=WORKERS,
                            concurrency=CONCURRENCY, sample_interval=2, stuck_after=5)
    except BaseException:
        queue_server.stop()
        raise
    traffic = RunTraffic(stack.platform.url, stack.n8n_url, WEBHOOK_PATHS["wait"], WORKFLOW_IDS["wait"])
    context.stage = ResilienceStage(stack, queue_server, traffic)
    yield context.stage
    traffic.close()
    stop_stack(stack, context.databases)
    queue_server.stop()
    shutil.rmtree(queue_server.workdir, ignore_errors=True)
