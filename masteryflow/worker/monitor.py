"""Health of the local worker side: worker readiness, reachability of the VPS's Redis and
PostgreSQL (with uptime ratios), queue progress, memory; and one worker_performance_logs row per
worker per sampling interval in the platform database.

`observe` (every second or so) refreshes `snapshot`, which the HTTP endpoint serves;
`write_samples` (every MASTERYFLOW_SAMPLE_INTERVAL) writes the performance rows.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import psycopg
import redis

from masteryflow.worker.connections import postgres_connect, redis_client
from masteryflow.worker.progress import QueueObservation, StuckDetector
from masteryflow.worker.queue import BullQueue, QueueCounts
from masteryflow.worker.supervisor import Supervisor
from masteryflow.worker.worker_log import LostExecution, WorkerLogReader

log = logging.getLogger("masteryflow.worker")
N8N_FAILED_STATUSES = ("error", "crashed", "canceled")

INSERT_SAMPLE = """
INSERT INTO worker_performance_logs (worker_id, host, n8n_version, concurrency, running_jobs, jobs_completed,
    jobs_failed, queue_waiting, queue_active, rss_bytes, cpu_percent, ready, interval_seconds)
VALUES (%(worker_id)s, %(host)s, %(n8n_version)s, %(concurrency)s, %(running_jobs)s, %(jobs_completed)s,
    %(jobs_failed)s, %(queue_waiting)s, %(queue_active)s, %(rss_bytes)s, %(cpu_percent)s, %(ready)s,
    %(interval_seconds)s)
"""


@dataclass
class Reachability:
    """Probes a connection; the ratio of successful probes is the connection's uptime."""
    name: str
    probe: Callable[[], object]
    probes: int = 0
    successes: int = 0
    up: bool = False

    def check(self) -> bool:
        self.probes += 1
        try:
            self.probe()
            self.up = True
            self.successes += 1
        except Exception:  # any failure to answer counts as down; the reason is in the check command
            self.up = False
        return self.up

    @property
    def uptime_ratio(self) -> float:
        return self.successes / self.probes if self.probes else 0.0


@dataclass(frozen=True)
class WorkerStatus:
    name: str
    pid: int | None
    concurrency: int
    ready: bool
    running_jobs: int
    rss_bytes: int
    cpu_percent: float
    restarts: int


@dataclass
class Snapshot:
    taken_at: float = 0.0
    workers: list[WorkerStatus] = field(default_factory=list)
    queue: QueueCounts = QueueCounts(0, 0)
    stuck: bool = False
    stuck_seconds: float = 0.0
    local_rss_bytes: int = 0
    reachability: dict[str, Reachability] = field(default_factory=dict)
    restarts: int = 0
    uptime_seconds: float = 0.0

    def problems(self, memory_budget_bytes: int) -> list[str]:
        """Why the local side is not ready; empty when it is."""
        found = [f"{name} unreachable" for name, probe in self.reachability.items() if not probe.up]
        if not any(worker.ready for worker in self.workers):
            found.append("no n8n worker is ready")
        if self.stuck:
            found.append(f"queue stuck: {self.queue.waiting} waiting jobs have not moved for "
                         f"{self.stuck_seconds:.0f} s although workers are ready with free slots")
        if self.local_rss_bytes > memory_budget_bytes:
            found.append(f"memory {self.local_rss_bytes >> 20} MB above the budget of {memory_budget_bytes >> 20} MB")
        return found


class Monitor:
    def __init__(self, supervisor: Supervisor):
        self.supervisor = supervisor
        self.settings = supervisor.settings
        self.platform_database_url = self.settings.platform_database_url
        self.redis = redis_client(self.settings.redis, timeout=2)
        self.queue = BullQueue(self.redis, self.settings.redis.prefix)
        self.stuck = StuckDetector(self.settings.local.stuck_after)
        self.reachability = {
            "redis": Reachability("redis", self.redis.ping),
            "n8n_database": Reachability("n8n_database", self._probe_n8n_database),
            "platform_database": Reachability("platform_database", self._probe_platform_database),
        }
        self.readers: dict[str, WorkerLogReader] = {}
        self.starts_seen: dict[str, int] = {}
        self.finished_since_sample: dict[str, list[str]] = {}
        self.worker_of_execution: dict[str, str] = {}
        self.lost: deque[LostExecution] = deque()  # taken by the execution recorder
        self.snapshot = Snapshot()
        self.last_sample_at = time.monotonic()
        self.host = socket.gethostname()
        self._sampling = threading.Lock()

    @property
    def memory_budget_bytes(self) -> int:
        return self.settings.local.memory_budget_mb << 20

    def _probe_n8n_database(self) -> None:
        with postgres_connect(self.settings.postgres, timeout=2) as conn:
            conn.execute("SELECT 1")

    def _probe_platform_database(self) -> None:
        with psycopg.connect(self.platform_database_url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")

    # --- observation -------------------------------------------------------------------------

    def observe(self, supervisor: Supervisor | None = None) -> Snapshot:
        for probe in self.reachability.values():
            probe.check()
        self._read_worker_logs()
        workers = [self._status_of(process) for process in self.supervisor.workers.values()]
        queue = self._queue_counts()
        now = time.monotonic()
        ready_capacity = sum(worker.concurrency for worker in workers if worker.ready)
        self.stuck.observe(QueueObservation(now, queue.waiting, queue.next_job,
                                            sum(worker.ready for worker in workers),
                                            ready_capacity - queue.active))
        self.snapshot = Snapshot(now, workers, queue, self.stuck.stuck, self.stuck.stuck_for(now),
                                 self.supervisor.local_rss_bytes(), self.reachability,
                                 self.supervisor.total_restarts(), now - self.supervisor.started_at)
        return self.snapshot

    def _queue_counts(self) -> QueueCounts:
        try:
            return self.queue.counts()
        except redis.RedisError:
            return self.snapshot.queue

    def _status_of(self, process) -> WorkerStatus:
        reader = self.readers.get(process.name)
        return WorkerStatus(process.name, process.pid, process.concurrency, process.ready(timeout=1.0),
                            len(reader.running) if reader else 0, process.rss_bytes(),
                            round(process.cpu_percent(), 2), self.supervisor.restarts[process.name].count)

    def _read_worker_logs(self) -> None:
        for process in self.supervisor.all_processes():
            reader = self.readers.setdefault(process.name, WorkerLogReader(process.log_path))
            alive = process.is_running()  # before reading: a dead process has written its last line
            restarted = self.starts_seen.setdefault(process.name, process.starts) != process.starts
            self.starts_seen[process.name] = process.starts
            activity = reader.read_new()
            for execution_id in activity.started:
                self.worker_of_execution[execution_id] = process.name
            self.finished_since_sample.setdefault(process.name, []).extend(activity.finished)
            if (restarted or not alive) and reader.running:
                lost = reader.forget_running(process.name)
                log.warning("%s died while running n8n execution(s) %s", process.name,
                            ", ".join(item.execution_id for item in lost))
                self.lost.extend(lost)

    def take_lost(self) -> list[LostExecution]:
        """Executions whose worker died since the last call."""
        taken = []
        while self.lost:
            taken.append(self.lost.popleft())
        return taken

    # --- performance rows ----------------------------------------------------------------------

    def write_samples(self, supervisor: Supervisor | None = None) -> int:
        """One worker_performance_logs row per supervised worker; returns the rows written."""
        with self._sampling:
            return self._write_samples()

    def _write_samples(self) -> int:
        now = time.monotonic()
        interval = max(now - self.last_sample_at, 0.001)
        self.last_sample_at = now
        snapshot = self.observe()
        finished = {name: self.finished_since_sample.pop(name, []) for name in list(self.finished_since_sample)}
        failed_ids = self._failed_among([eid for ids in finished.values() for eid in ids])
        rows = [self._sample_row(worker, snapshot, finished.get(worker.name, []), failed_ids, interval)
                for worker in snapshot.workers]
        with psycopg.connect(self.platform_database_url, connect_timeout=3) as conn:
            with conn.cursor() as cursor:
                cursor.executemany(INSERT_SAMPLE, rows)
        return len(rows)

    def _sample_row(self, worker: WorkerStatus, snapshot: Snapshot, finished: list[str], failed_ids: set[str],
                    interval: float) -> dict:
        failed = sum(1 for execution_id in finished if execution_id in failed_ids)
        return dict(worker_id=worker.name, host=self.host, n8n_version=self.supervisor.runtime.version,
                    concurrency=worker.concurrency, running_jobs=worker.running_jobs,
                    jobs_completed=len(finished) - failed, jobs_failed=failed,
                    queue_waiting=snapshot.queue.waiting, queue_active=snapshot.queue.active,
                    rss_bytes=worker.rss_bytes, cpu_percent=worker.cpu_percent,
                    ready=worker.ready, interval_seconds=round(interval, 3))

    def _failed_among(self, execution_ids: list[str]) -> set[str]:
        if not execution_ids:
            return set()
        try:
            with postgres_connect(self.settings.postgres) as conn:
                rows = conn.execute("SELECT id::text FROM execution_entity WHERE id = ANY(%s) AND status = ANY(%s)",
                                    ([int(i) for i in execution_ids], list(N8N_FAILED_STATUSES))).fetchall()
        except psycopg.Error:
            log.warning("n8n database unreachable: failed jobs of this interval not counted")
            return set()
        return {row[0] for row in rows}
