"""The autoscaler at work: observes the queue and the supervisor's workers, decides (autoscaler.py)
and acts through the supervisor: start workers, or retire idle ones with a graceful SIGTERM.

    scaling = SupervisorScaling(Autoscaler(policy), queue)
    supervisor.add_task("autoscaler", every_seconds=2, run=scaling.tick)
"""

from __future__ import annotations

import logging
import statistics
import time
from collections import Counter
from typing import Callable

from masteryflow.worker.autoscaler import MIB, HOLD, Autoscaler, Decision, Observation
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.supervisor import Supervisor
from masteryflow.worker.worker_log import WorkerLogReader

log = logging.getLogger(__name__)
# worker.md: about 280 MB for a worker plus about 115 MB for its task runner; used until measured
ESTIMATED_WORKER_RSS_BYTES = 400 * MIB
GRACEFUL_STOP_SECONDS = 120.0  # longer than n8n's own N8N_GRACEFUL_SHUTDOWN_TIMEOUT (30 s)


class SupervisorScaling:
    def __init__(self, autoscaler: Autoscaler, queue: BullQueue, clock: Callable[[], float] = time.monotonic):
        self.autoscaler = autoscaler
        self.queue = queue
        self.clock = clock
        self.readers: dict[str, WorkerLogReader] = {}
        self.last_decision: Decision | None = None
        self.decisions: Counter = Counter()
        self.peak_local_rss_bytes = 0
        self.retired: list = []  # N8nProcess of every worker stopped by a scale-down

    def tick(self, supervisor: Supervisor) -> Decision:
        decision = self.autoscaler.decide(self.observe(supervisor))
        self.apply(decision, supervisor)
        self.decisions[decision.action] += 1
        if decision.action != HOLD or self._reason_changed(decision):
            log.info(decision.describe())
        self.last_decision = decision
        return decision

    def observe(self, supervisor: Supervisor) -> Observation:
        counts = self.queue.counts()
        workers = dict(supervisor.workers)
        local_rss = supervisor.local_rss_bytes()
        self.peak_local_rss_bytes = max(self.peak_local_rss_bytes, local_rss)
        return Observation(at=self.clock(), waiting=counts.waiting, active=counts.active, workers=len(workers),
                           idle_workers=len(self.idle_workers(supervisor)), side_rss_bytes=local_rss,
                           worker_rss_bytes=self.worker_rss_bytes(workers.values()))

    def idle_workers(self, supervisor: Supervisor) -> list[str]:
        """Workers that are ready and whose log shows no execution started and not yet finished."""
        idle = []
        for name, worker in list(supervisor.workers.items()):
            reader = self.readers.setdefault(name, WorkerLogReader(worker.log_path))
            reader.read_new()
            if worker.ready(timeout=1.0) and not reader.running:
                idle.append(name)
        return idle

    @staticmethod
    def worker_rss_bytes(workers) -> int:
        measured = [worker.rss_bytes() for worker in workers if worker.is_running() and worker.ready(timeout=1.0)]
        measured = [rss for rss in measured if rss > 0]
        return int(max(statistics.median(measured), 1)) if measured else ESTIMATED_WORKER_RSS_BYTES

    def apply(self, decision: Decision, supervisor: Supervisor) -> None:
        for _ in range(max(decision.change, 0)):
            supervisor.add_worker()
        if decision.change < 0:
            for name in self.idle_workers(supervisor)[: -decision.change]:
                self.readers.pop(name, None)
                self.retired.append(supervisor.workers[name])
                supervisor.retire_worker(name, timeout=GRACEFUL_STOP_SECONDS)

    def _reason_changed(self, decision: Decision) -> bool:
        return self.last_decision is None or self.last_decision.reason != decision.reason

    def metrics(self) -> dict[str, float]:
        """Gauges and counters for /metrics: the last decision's inputs and outcome."""
        values = {f'masteryflow_autoscaler_decisions_total{{action="{action}"}}': count
                  for action, count in self.decisions.items()}
        if self.last_decision is not None:
            d, o = self.last_decision, self.last_decision.observation
            values.update({
                "masteryflow_autoscaler_target_workers": d.workers,
                "masteryflow_autoscaler_workers": o.workers,
                "masteryflow_autoscaler_idle_workers": o.idle_workers,
                "masteryflow_autoscaler_demand_jobs": o.demand,
                "masteryflow_autoscaler_capacity_jobs": d.capacity,
                "masteryflow_autoscaler_memory_cap_workers": d.memory_cap,
                "masteryflow_autoscaler_local_rss_bytes": o.side_rss_bytes,
                "masteryflow_autoscaler_worker_rss_bytes": o.worker_rss_bytes,
            })
        return values
