"""Keeps N local n8n workers running: restarts any that exit, retires workers gracefully, and
runs periodic tasks (monitoring samples, execution recording, the prioritizer, the autoscaler)
on one loop.

Plugging in (Phase 2b):
    supervisor.add_task("autoscaler", every_seconds=5, run=lambda sup: scaler.tick(sup))
    supervisor.add_worker()            # start one more worker, returns its N8nProcess
    supervisor.retire_worker(name)     # SIGTERM: n8n finishes its running executions, then exits
    supervisor.workers                 # {name: N8nProcess} of workers that should be running
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import psutil

from masteryflow.worker.n8n import N8nProcess
from masteryflow.worker.runtime import Runtime
from masteryflow.worker.settings import WorkerSettings

log = logging.getLogger("masteryflow.worker")
RESTART_BACKOFF_SECONDS = (1, 2, 5, 10, 30)


def first_line(problem: Exception) -> str:
    return (str(problem).strip().splitlines() or [type(problem).__name__])[0]


@dataclass
class PeriodicTask:
    name: str
    every_seconds: float
    run: Callable[["Supervisor"], None]
    next_due: float = 0.0
    failures: int = 0


@dataclass
class RestartRecord:
    count: int = 0
    last_exit_code: int | None = None
    not_before: float = 0.0


@dataclass
class Supervisor:
    runtime: Runtime
    settings: WorkerSettings
    state_dir: Path
    tick_seconds: float = 0.5
    workers: dict[str, N8nProcess] = field(default_factory=dict)
    restarts: dict[str, RestartRecord] = field(default_factory=dict)
    tasks: list[PeriodicTask] = field(default_factory=list)
    started_at: float = field(default_factory=time.monotonic)

    def __post_init__(self):
        self._numbers = itertools.count(1)
        self._lock = threading.RLock()
        self._retiring: dict[str, N8nProcess] = {}
        self.stopping = threading.Event()

    # --- workers ---------------------------------------------------------------------------

    def add_worker(self, concurrency: int | None = None) -> N8nProcess:
        name = f"{self.settings.local.worker_id_prefix}-worker-{next(self._numbers)}"
        worker = N8nProcess.worker(self.runtime, self.settings, self.state_dir / name,
                                   concurrency or self.settings.local.concurrency, name=name)
        worker.start()
        with self._lock:
            self.workers[name] = worker
            self.restarts[name] = RestartRecord()
        log.info("started %s (pid %s, concurrency %s)", name, worker.pid, worker.concurrency)
        return worker

    def retire_worker(self, name: str, timeout: float = 30.0, wait: bool = False) -> None:
        """Stop supervising `name` and SIGTERM it; n8n finishes its running executions first."""
        with self._lock:
            worker = self.workers.pop(name)
            self._retiring[name] = worker
        stopper = threading.Thread(target=self._stop_retired, args=(name, worker, timeout),
                                   name=f"retire-{name}", daemon=True)
        stopper.start()
        if wait:
            stopper.join()

    def _stop_retired(self, name: str, worker: N8nProcess, timeout: float) -> None:
        code = worker.stop(timeout)
        with self._lock:
            self._retiring.pop(name, None)
        log.info("retired %s (exit %s)", name, code)

    def all_processes(self) -> list[N8nProcess]:
        """Every local n8n process, including workers still finishing after retirement."""
        with self._lock:
            return [*self.workers.values(), *self._retiring.values()]

    def restart_exited(self) -> None:
        now = time.monotonic()
        for name, worker in list(self.workers.items()):
            if worker.is_running() or self.stopping.is_set():
                continue
            record = self.restarts[name]
            if record.not_before == 0.0:
                record.last_exit_code = worker.exit_code()
                record.not_before = now + RESTART_BACKOFF_SECONDS[min(record.count, len(RESTART_BACKOFF_SECONDS) - 1)]
                log.warning("%s exited (code %s); restarting", name, record.last_exit_code)
            if now >= record.not_before:
                worker.start()
                record.count += 1
                record.not_before = 0.0
                log.info("restarted %s (pid %s, restart %d)", name, worker.pid, record.count)

    def total_restarts(self) -> int:
        return sum(record.count for record in self.restarts.values())

    def local_rss_bytes(self) -> int:
        """This process (the companion service) plus every n8n process and their children."""
        own = psutil.Process().memory_info().rss
        return own + sum(process.rss_bytes() for process in self.all_processes())

    # --- periodic tasks --------------------------------------------------------------------

    def add_task(self, name: str, every_seconds: float, run: Callable[["Supervisor"], None]) -> PeriodicTask:
        task = PeriodicTask(name, every_seconds, run)
        self.tasks.append(task)
        return task

    def run_due_tasks(self) -> None:
        now = time.monotonic()
        for task in list(self.tasks):
            if now < task.next_due:
                continue
            task.next_due = now + task.every_seconds
            try:
                task.run(self)
            except Exception as problem:  # one failing task must not stop supervision of the workers
                task.failures += 1
                log.warning("periodic task %s failed: %s", task.name, first_line(problem))
                log.debug("periodic task %s failed", task.name, exc_info=True)

    # --- the loop --------------------------------------------------------------------------

    def start_workers(self, count: int) -> None:
        for _ in range(count):
            self.add_worker()

    def run(self) -> None:
        """Supervise until stop() is called (from a signal handler or another thread)."""
        while not self.stopping.is_set():
            self.restart_exited()
            self.run_due_tasks()
            self.stopping.wait(self.tick_seconds)

    def run_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="supervisor", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Graceful stop of every worker at once (each gets SIGTERM, then SIGKILL after timeout)."""
        self.stop()
        stoppers = [threading.Thread(target=process.stop, args=(timeout,)) for process in self.all_processes()]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
