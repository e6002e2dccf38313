"""Effective queue priority of a waiting n8n job: tier, then webhook before background, then age.

Pure arithmetic, no I/O. The tiers' order comes from plans.queue_priority (lower runs first).
Each waiting job belongs to a class: VIP webhook = 0, VIP background = 1, Premium webhook = 2, ...
Aging moves a job up one class per `aging_step_seconds` waited, up to class 0, so any job is
as urgent as a fresh VIP webhook run after at most (its class x step) seconds: that is the bound.

The priority written to Bull is 1 + class + a fraction that grows with the job id, so jobs of
one class run oldest first (FIFO) whatever order they were placed in, and every placed priority
stays below n8n's own 50.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

from masteryflow.worker.queue_order import N8N_WEBHOOK_PRIORITY, PLACED_CEILING

KINDS = ("webhook", "background")
TIEBREAK_MODULUS = 10 ** 9  # job ids beyond a billion wrap around (FIFO only breaks at the wrap)


def job_kind(n8n_priority: int) -> str:
    return "webhook" if n8n_priority <= N8N_WEBHOOK_PRIORITY else "background"


@dataclass(frozen=True)
class PriorityPolicy:
    tier_priorities: Mapping[str, int]  # tier -> plans.queue_priority
    aging_step_seconds: float = 0.0     # 0 disables aging

    def __post_init__(self):
        if not self.tier_priorities:
            raise ValueError("no tiers: the plans table is empty")
        if self.aging_step_seconds < 0:
            raise ValueError("the aging step must be 0 (no aging) or a positive number of seconds")
        if self.class_count >= PLACED_CEILING:
            raise ValueError(f"too many distinct queue priorities ({len(self._ranks)}) to place below "
                             f"n8n's priority {PLACED_CEILING}")

    @cached_property
    def _ranks(self) -> dict[int, int]:
        return {priority: rank for rank, priority in enumerate(sorted(set(self.tier_priorities.values())))}

    @property
    def class_count(self) -> int:
        return len(self._ranks) * len(KINDS)

    def base_class(self, tier: str, n8n_priority: int) -> int:
        rank = self._ranks[self.tier_priorities[tier]]
        return rank * len(KINDS) + KINDS.index(job_kind(n8n_priority))

    def aged_class(self, base_class: int, waited_ms: float) -> int:
        if not self.aging_step_seconds:
            return base_class
        steps_earned = int(max(waited_ms, 0) // (self.aging_step_seconds * 1000))
        return max(0, base_class - steps_earned)

    def aging_bound_seconds(self, tier: str, n8n_priority: int) -> float | None:
        """Wait after which a job of this tier and kind is as urgent as a fresh VIP webhook run."""
        if not self.aging_step_seconds:
            return None
        return self.base_class(tier, n8n_priority) * self.aging_step_seconds


def bull_priority(job_class: int, job_id: str) -> float:
    """The ZSET score for a job of this class; lower job ids (older jobs) sort first within a class."""
    tiebreak = int(job_id) % TIEBREAK_MODULUS / TIEBREAK_MODULUS if job_id.isdigit() else 0.0
    return 1 + job_class + tiebreak


def class_of(bull_priority_value: float) -> int:
    return int(bull_priority_value) - 1


def is_placed(bull_priority_value: float) -> bool:
    return bull_priority_value < PLACED_CEILING
