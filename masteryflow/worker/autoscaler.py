"""How many local n8n workers there should be: pure decisions, no processes (see worker_pool.py).

demand = waiting + active jobs (active too: under load the work sits in `active` while `wait`
stays near empty, which is where wait-list-only scalers fail); capacity = workers x concurrency.
The target is ceil(demand / concurrency) between min and max, and never more workers than the
memory budget holds at the measured RSS per worker. Scaling up waits `up_cooldown` after the
previous scale-up; scaling down waits until demand has stayed low for `down_cooldown` and then
removes only idle workers (the actuator stops them with a graceful SIGTERM).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

UP, DOWN, HOLD = "up", "down", "hold"
MIB = 1024 * 1024


@dataclass(frozen=True)
class ScalingPolicy:
    min_workers: int = 1
    max_workers: int = 4
    concurrency: int = 5
    up_cooldown: float = 10.0
    down_cooldown: float = 30.0
    memory_budget_bytes: int = 2048 * MIB

    def __post_init__(self):
        if not 0 <= self.min_workers <= self.max_workers or self.max_workers < 1:
            raise ValueError(f"worker bounds must satisfy 0 <= min <= max and max >= 1, "
                             f"got min {self.min_workers}, max {self.max_workers}")
        if self.concurrency < 1 or self.up_cooldown < 0 or self.down_cooldown < 0:
            raise ValueError("concurrency must be at least 1 and cooldowns non-negative")


@dataclass(frozen=True)
class Observation:
    at: float                # monotonic seconds
    waiting: int
    active: int
    workers: int             # running or starting
    idle_workers: int        # ready and running no execution
    side_rss_bytes: int      # everything local now: workers, their task runners, this supervisor
    worker_rss_bytes: int    # measured RSS of one worker with its task runner (an estimate until one runs)

    @property
    def demand(self) -> int:
        return self.waiting + self.active


@dataclass(frozen=True)
class Decision:
    action: str
    workers: int   # how many there should be after this decision
    change: int    # workers to start (> 0) or idle workers to stop (< 0)
    reason: str
    observation: Observation
    capacity: int  # jobs the current workers run at once
    memory_cap: int

    def describe(self) -> str:
        o = self.observation
        return (f"autoscaler {self.action} {o.workers} -> {self.workers}: {self.reason} "
                f"(waiting {o.waiting}, active {o.active}, capacity {self.capacity}, "
                f"idle {o.idle_workers}, local RSS {o.side_rss_bytes // MIB} MiB, "
                f"per worker {o.worker_rss_bytes // MIB} MiB, memory cap {self.memory_cap})")

    def as_dict(self) -> dict:
        return {"action": self.action, "workers": self.workers, "change": self.change, "reason": self.reason,
                "capacity": self.capacity, "memory_cap": self.memory_cap, **asdict(self.observation)}


class Autoscaler:
    def __init__(self, policy: ScalingPolicy):
        self.policy = policy
        self.last_up_at: float | None = None
        self.low_since: float | None = None  # since when demand has needed fewer workers

    def memory_cap(self, o: Observation) -> int:
        """Most workers the budget holds: the running ones plus as many more as the free room fits."""
        room = self.policy.memory_budget_bytes - o.side_rss_bytes
        more = max(0, room // max(o.worker_rss_bytes, 1))
        return min(self.policy.max_workers, o.workers + more)

    def wanted(self, o: Observation) -> int:
        needed = math.ceil(o.demand / self.policy.concurrency)
        return max(self.policy.min_workers, min(self.policy.max_workers, needed))

    def decide(self, o: Observation) -> Decision:
        cap, wanted = self.memory_cap(o), self.wanted(o)
        if wanted >= o.workers:
            self.low_since = None
        elif self.low_since is None:
            self.low_since = o.at
        if wanted > o.workers:
            return self._scale_up(o, wanted, cap)
        if wanted < o.workers:
            return self._scale_down(o, wanted, cap)
        return self._decision(HOLD, o, 0, "capacity matches demand", cap)

    def _scale_up(self, o: Observation, wanted: int, cap: int) -> Decision:
        below_min = o.workers < self.policy.min_workers
        if cap <= o.workers and not below_min:
            return self._decision(HOLD, o, 0, f"demand wants {wanted} workers but the memory budget holds "
                                              f"{cap}", cap)
        if not below_min and self.last_up_at is not None and o.at - self.last_up_at < self.policy.up_cooldown:
            return self._decision(HOLD, o, 0, f"demand wants {wanted} workers; scale-up cooldown", cap)
        target = max(min(wanted, cap), self.policy.min_workers)
        self.last_up_at = o.at
        return self._decision(UP, o, target - o.workers,
                              "below the minimum" if below_min else f"demand {o.demand} needs {wanted} workers", cap)

    def _scale_down(self, o: Observation, wanted: int, cap: int) -> Decision:
        if o.at - self.low_since < self.policy.down_cooldown:
            return self._decision(HOLD, o, 0, f"demand needs {wanted} workers; waiting for the scale-down "
                                              f"cooldown", cap)
        removable = min(o.workers - wanted, o.idle_workers)
        if removable == 0:
            return self._decision(HOLD, o, 0, f"demand needs {wanted} workers but no worker is idle", cap)
        self.low_since = o.at
        return self._decision(DOWN, o, -removable, f"demand {o.demand} needs {wanted} workers; stopping "
                                                   f"{removable} idle", cap)

    def _decision(self, action: str, o: Observation, change: int, reason: str, cap: int) -> Decision:
        return Decision(action, o.workers + change, change, reason, o, o.workers * self.policy.concurrency, cap)
