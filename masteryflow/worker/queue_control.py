"""The tier prioritizer and the autoscaler plugged into `worker up`'s supervisor.

    control = QueueControl.install(side.supervisor, settings)   # after LocalWorkerSide.build
    ... /metrics appends control.metrics_text()
    control.stop()                                                # before the supervisor shuts down

The prioritizer polls every few tens of milliseconds on its own thread (the supervisor's loop
ticks every 0.5 s, too slow to place a job within 100 ms); a supervisor task restarts that thread
if it ever dies. The autoscaler is a supervisor task. Settings (environment):
MASTERYFLOW_PRIORITIZER (true), MASTERYFLOW_PRIORITY_* (see prioritizer_service),
MASTERYFLOW_WORKER_MIN / MASTERYFLOW_WORKER_MAX (default: MASTERYFLOW_WORKER_COUNT, i.e. no
autoscaling), MASTERYFLOW_SCALE_UP_COOLDOWN (10 s), MASTERYFLOW_SCALE_DOWN_COOLDOWN (30 s),
MASTERYFLOW_SCALE_EVERY (2 s).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from masteryflow.config import ConfigError
from masteryflow.worker.autoscaler import MIB, Autoscaler, ScalingPolicy
from masteryflow.worker.connections import redis_client
from masteryflow.worker.http import number
from masteryflow.worker.prioritizer_service import PrioritizerService
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.scaling import SupervisorScaling
from masteryflow.worker.settings import WorkerSettings
from masteryflow.worker.supervisor import Supervisor

WATCHDOG_EVERY_SECONDS = 5.0


@dataclass(frozen=True)
class ScalingSchedule:
    policy: ScalingPolicy
    every_seconds: float

    @property
    def enabled(self) -> bool:
        return self.policy.min_workers != self.policy.max_workers


def scaling_from_environment(settings: WorkerSettings, environ: dict | None = None) -> ScalingSchedule:
    environ = os.environ if environ is None else environ
    local = settings.local

    def number_of(name: str, default: float) -> float:
        raw = (environ.get(name) or "").strip()
        try:
            return float(raw) if raw else default
        except ValueError as bad:
            raise ConfigError(f"{name} must be a number, got {raw!r}") from bad

    try:
        policy = ScalingPolicy(min_workers=int(number_of("MASTERYFLOW_WORKER_MIN", local.workers)),
                               max_workers=int(number_of("MASTERYFLOW_WORKER_MAX", local.workers)),
                               concurrency=local.concurrency,
                               up_cooldown=number_of("MASTERYFLOW_SCALE_UP_COOLDOWN", 10.0),
                               down_cooldown=number_of("MASTERYFLOW_SCALE_DOWN_COOLDOWN", 30.0),
                               memory_budget_bytes=local.memory_budget_mb * MIB)
    except ValueError as bad:
        raise ConfigError(f"autoscaler settings are not usable: {bad}") from bad
    return ScalingSchedule(policy, number_of("MASTERYFLOW_SCALE_EVERY", 2.0))


class QueueControl:
    def __init__(self, prioritizer: PrioritizerService | None, scaling: SupervisorScaling | None):
        self.prioritizer = prioritizer
        self.scaling = scaling

    @classmethod
    def install(cls, supervisor: Supervisor, settings: WorkerSettings, environ: dict | None = None) -> "QueueControl":
        environ = os.environ if environ is None else environ
        prioritizer = None
        if (environ.get("MASTERYFLOW_PRIORITIZER") or "true").strip().lower() not in ("false", "0", "no", "off"):
            prioritizer = PrioritizerService.from_settings(settings)
            prioritizer.start()
            supervisor.add_task("prioritizer watchdog", WATCHDOG_EVERY_SECONDS, lambda _: prioritizer.ensure_running())
        scaling = None
        schedule = scaling_from_environment(settings, environ)
        if schedule.enabled:
            queue = BullQueue(redis_client(settings.redis), prefix=settings.redis.prefix)
            scaling = SupervisorScaling(Autoscaler(schedule.policy), queue)
            supervisor.add_task("autoscaler", schedule.every_seconds, scaling.tick)
        return cls(prioritizer, scaling)

    def describe(self) -> str:
        placing = "tier priority on" if self.prioritizer is not None else "tier priority off"
        if self.scaling is None:
            return f"{placing}, fixed worker count"
        policy = self.scaling.autoscaler.policy
        return f"{placing}, autoscaling {policy.min_workers}-{policy.max_workers} workers"

    def metrics(self) -> dict[str, float]:
        values = {}
        for part in (self.prioritizer, self.scaling):
            if part is not None:
                values.update(part.metrics())
        return values

    def metrics_text(self) -> str:
        """Prometheus exposition lines, to append to the supervisor's /metrics."""
        return "".join(f"{name} {number(value)}\n" for name, value in sorted(self.metrics().items()))

    def report_to(self, platform_database_url: str) -> None:
        """Resolve tiers from another platform database from now on."""
        if self.prioritizer is not None:
            self.prioritizer.prioritizer.resolver.repoint(platform_database_url)

    def stop(self) -> None:
        if self.prioritizer is not None:
            self.prioritizer.stop()
