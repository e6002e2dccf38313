"""Tier priority for n8n's queue: re-place each waiting job at its customer's tier priority.

A pass lists the jobs n8n has added since the last pass (still at n8n's 50 or 100), reads their
project, resolves the tier (cached) and re-places them atomically with reprioritize.lua, the way
Bull places a prioritized job, so stock n8n workers take VIP before Premium before Pro before Free.
Every `aging_check_seconds` a second step moves placed jobs up as they age (priority_policy).
Jobs that cannot be placed (bad data, no project, a project no user owns) are left where n8n put
them and logged once. Cost: 1 Redis round trip for an idle pass, 3 (+1 per `batch_size` jobs) for
a pass that places jobs.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import redis

from masteryflow.worker import waiting_jobs
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.queue_order import ordering_keys
from masteryflow.worker.priority_policy import PriorityPolicy, bull_priority, class_of
from masteryflow.worker.tier_resolver import TierLookupUnavailable, TierResolver

log = logging.getLogger(__name__)
REPRIORITIZE_LUA = Path(__file__).with_name("reprioritize.lua")
NEVER = math.inf


@dataclass(frozen=True)
class PrioritizerSettings:
    poll_seconds: float = 0.02
    aging_step_seconds: float = 5.0
    aging_check_seconds: float = 0.25
    batch_size: int = 500
    error_backoff_seconds: float = 1.0


@dataclass(frozen=True)
class TrackedJob:
    base_class: int
    enqueued_ms: int


@dataclass
class PassReport:
    placed: int = 0
    aged: int = 0
    set_aside: int = 0
    placement_delays_ms: list[float] = field(default_factory=list)


@dataclass
class PrioritizerStats:
    passes: int = 0
    placed: int = 0
    aged: int = 0
    set_aside: Counter = field(default_factory=Counter)
    errors: int = 0
    placement_delays_ms: deque = field(default_factory=lambda: deque(maxlen=10_000))  # most recent jobs

    def add(self, report: PassReport) -> None:
        self.passes += 1
        self.placed += report.placed
        self.aged += report.aged
        self.placement_delays_ms.extend(report.placement_delays_ms)


def job_order(job_id: str) -> tuple[int, str]:
    return (int(job_id), "") if job_id.isdigit() else (NEVER, job_id)  # type: ignore[return-value]


class Prioritizer:
    def __init__(self, queue: BullQueue, resolver: TierResolver, settings: PrioritizerSettings,
                 wall_clock: Callable[[], float] = time.time, monotonic: Callable[[], float] = time.monotonic):
        self.queue = queue
        self.resolver = resolver
        self.settings = settings
        self.wall_clock = wall_clock
        self.monotonic = monotonic
        self.stats = PrioritizerStats()
        self._reprioritize = queue.client.register_script(REPRIORITIZE_LUA.read_text())
        self._tracked: dict[str, TrackedJob] = {}
        self._set_aside: dict[str, float] = {}  # job id -> when to look at it again (monotonic)
        self._next_aging_check = 0.0
        self._last_unplaced: dict[str, float] = {}

    # -- one pass ------------------------------------------------------------------------------
    def run_pass(self) -> PassReport:
        report = PassReport()
        now_ms, unplaced = waiting_jobs.server_time_and_unplaced(self.queue)
        self._last_unplaced = unplaced
        due = sorted((j for j in unplaced if self._set_aside.get(j, 0) <= self.monotonic()), key=job_order)
        if due:
            policy = self.policy()
            jobs = waiting_jobs.read_jobs(self.queue, due[: self.settings.batch_size], now_ms)
            classes = self._classify(jobs, policy, now_ms, report)
            report.placed = self._apply({job_id: bull_priority(c, job_id) for job_id, c in classes.items()})
            done_ms = self.wall_clock() * 1000
            report.placement_delays_ms = [done_ms - job.enqueued_ms for job in jobs if job.job_id in classes]
        if self.monotonic() >= self._next_aging_check:
            self._next_aging_check = self.monotonic() + self.settings.aging_check_seconds
            report.aged = self._age_placed_jobs(now_ms, report)
        self.stats.add(report)
        return report

    def policy(self) -> PriorityPolicy:
        """The priority policy in force: the plans' queue priorities (cached) and the aging step."""
        return PriorityPolicy(self.resolver.tier_priorities(), self.settings.aging_step_seconds)

    def _classify(self, jobs: list[waiting_jobs.WaitingJob], policy: PriorityPolicy, now_ms: int,
                  report: PassReport) -> dict[str, int]:
        """job id -> class for the jobs that can be placed; the others are set aside and logged."""
        tiers = self.resolver.tiers_of(job.project_id for job in jobs if job.project_id)
        classes = {}
        for job in jobs:
            tier = tiers.get(job.project_id) if job.project_id else None
            if job.problem or tier is None:
                self._leave_in_place(job, job.problem or f"project {job.project_id} belongs to no platform user")
                report.set_aside += 1
                continue
            base_class = policy.base_class(tier, job.n8n_priority)
            self._tracked[job.job_id] = TrackedJob(base_class, job.enqueued_ms)
            classes[job.job_id] = policy.aged_class(base_class, now_ms - job.enqueued_ms)
        return classes

    def _leave_in_place(self, job: waiting_jobs.WaitingJob, reason: str) -> None:
        already_noted = job.job_id in self._set_aside
        self._set_aside[job.job_id] = NEVER if job.problem else self.monotonic() + self.resolver.ttl_seconds
        if not already_noted:
            self.stats.set_aside[reason.split(" (")[0] if job.problem else "unknown project"] += 1
            log.warning("left job %s where n8n put it: %s", job.job_id, reason)

    def _age_placed_jobs(self, now_ms: int, report: PassReport) -> int:
        placed = waiting_jobs.placed(self.queue)
        self._tracked = {job_id: t for job_id, t in self._tracked.items() if job_id in placed}
        self._set_aside = {job_id: at for job_id, at in self._set_aside.items()
                           if job_id in placed or job_id in self._last_unplaced}
        if not placed or not self.settings.aging_step_seconds:
            return 0
        policy = self.policy()
        untracked = sorted((j for j in placed if j not in self._tracked and j not in self._set_aside),
                           key=job_order)
        if untracked:  # placed by an earlier run or another prioritizer
            self._classify(waiting_jobs.read_jobs(self.queue, untracked, now_ms),
                           policy, now_ms, report)
        moves = {}
        for job_id, score in placed.items():
            tracked = self._tracked.get(job_id)
            if tracked is None:
                continue
            aged = policy.aged_class(tracked.base_class, now_ms - tracked.enqueued_ms)
            if aged < class_of(score):
                moves[job_id] = bull_priority(aged, job_id)
        return self._apply(moves)

    def _apply(self, priorities: dict[str, float]) -> int:
        """Re-place jobs in ascending id order, batch_size jobs per Lua call; return how many moved."""
        ordered = sorted(priorities, key=job_order)
        moved = 0
        for start in range(0, len(ordered), self.settings.batch_size):
            arguments = []
            for job_id in ordered[start:start + self.settings.batch_size]:
                arguments += [job_id, repr(priorities[job_id])]
            moved += self._reprioritize(keys=ordering_keys(self.queue),
                                        args=arguments)
        return moved

    # -- running -------------------------------------------------------------------------------
    def run_pass_safely(self) -> bool:
        """One pass; any failure is logged and counted, never raised. True when the pass worked."""
        try:
            self.run_pass()
            return True
        except (redis.RedisError, TierLookupUnavailable) as error:
            self.stats.errors += 1
            log.warning("prioritizer pass failed, retrying: %s", error)
        except Exception:  # noqa: BLE001 - the prioritizer must keep running whatever a job holds
            self.stats.errors += 1
            log.exception("prioritizer pass failed unexpectedly, retrying")
        return False

    def run(self, stop: threading.Event, wake: threading.Event | None = None) -> None:
        """Pass after pass until stop is set: every poll_seconds, or at once when wake is set."""
        wake = wake or threading.Event()
        while not stop.is_set():
            wake.clear()
            if not self.run_pass_safely():
                stop.wait(self.settings.error_backoff_seconds)
            wake.wait(self.settings.poll_seconds)
