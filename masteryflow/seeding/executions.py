"""Executions (domain.md E1-E6): requests placed in time, then admitted or refused in time order
exactly as the admission rules would (entitlement, then the month's quota), then run to an outcome.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from masteryflow.seeding.clock import AS_OF, DAY, HOUR, HOURLY_LOAD, RUNS_FROM, add_month, epoch, month_start
from masteryflow.seeding.rules import PLANS
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import World, number_by_time

NOVEMBER, OCTOBER = epoch(2026, 11, 1), epoch(2026, 10, 1)
HEAVY_USED_BEFORE_BURST, BURST_REQUESTS = 1990, 30
HOUR_CUMULATIVE = list(accumulate(HOURLY_LOAD))


class Execution:
    __slots__ = ("id", "user", "workflow", "requested_ms", "month", "mode", "tier", "status", "refusal_reason",
                 "started_ms", "finished_ms", "worker_id", "error_message", "failed_node")

    def __init__(self, user, workflow, requested_ms: int, mode: str) -> None:
        self.user, self.workflow, self.requested_ms, self.mode = user, workflow, requested_ms, mode
        self.refusal_reason = self.started_ms = self.finished_ms = self.worker_id = None
        self.error_message = self.failed_node = None
        self.id = 0


class Requests:
    """Places run requests in time: the daily cycle, popular workflows, active users."""

    def __init__(self, world: World) -> None:
        self.world, self.rng = world, stream(world.seed, "executions")
        self.runnable = [w for w in world.workflows if w.published_at is not None]
        self.free = [w for w in self.runnable if w.price_cents == 0 and w.archived_at is None]
        self.runnable_cumulative = list(accumulate(w.popularity for w in self.runnable))
        self.free_cumulative = list(accumulate(w.popularity for w in self.free))

    def request(self, user, workflow, at: int) -> None:
        draw = self.rng.random()
        mode = "webhook" if draw < 0.6 else "trigger" if draw < 0.9 else "manual"
        self.world.executions.append(Execution(user, workflow, at * 1000 + int(draw * 1e7) % 1000, mode))

    def moment(self, after: int, before: int = AS_OF) -> int:
        """A moment in (after, before) on the daily cycle: a day, then an hour weighted by load."""
        first_day, last_day = (after - RUNS_FROM) // DAY + 1, (before - RUNS_FROM) // DAY - 1
        if first_day > last_day:
            return self.rng.randrange(after, before)
        hour = bisect_right(HOUR_CUMULATIVE, self.rng.random() * HOUR_CUMULATIVE[-1])
        day = first_day + int(self.rng.random() * (last_day - first_day + 1))
        return RUNS_FROM + day * DAY + hour * HOUR + int(self.rng.random() * HOUR)

    def free_workflow(self):
        return self.free[bisect_right(self.free_cumulative, self.rng.random() * self.free_cumulative[-1])]

    def heavy_month(self, user) -> None:
        """E6: a Pro user with 1,990 runs used, then a burst of concurrent requests: 10 fit."""
        for _ in range(HEAVY_USED_BEFORE_BURST):
            self.request(user, self.free_workflow(), self.moment(NOVEMBER, NOVEMBER + 26 * DAY))
        burst = NOVEMBER + self.rng.randrange(27, 29) * DAY + 14 * HOUR
        workflow = self.free_workflow()
        for _ in range(BURST_REQUESTS):
            self.request(user, workflow, burst)
        self.world.scenarios["E6"] += 1

    def quota_month(self, user) -> None:
        """E2: a Free user uses 100 runs in October, is refused after, and starts from zero in November."""
        for _ in range(100):
            self.request(user, self.free_workflow(), self.moment(OCTOBER, OCTOBER + 24 * DAY))
        for _ in range(self.rng.randint(2, 6)):
            self.request(user, self.free_workflow(), self.moment(OCTOBER + 25 * DAY, NOVEMBER))
        for _ in range(self.rng.randint(3, 12)):
            self.request(user, self.free_workflow(), self.moment(NOVEMBER, AS_OF))
        self.world.scenarios["E2"] += 1

    def purchased(self, buyer_id: int, workflow, paid_at: int, refunded_at: int | None) -> None:
        """Runs of a bought workflow while access lasts; a refunded buyer who tries again is refused."""
        user = self.world.users[buyer_id - 1]
        access_ends = refunded_at or AS_OF
        for _ in range(self.rng.randint(1, 6)):
            if access_ends - paid_at > 2 * HOUR:
                self.request(user, workflow, self.rng.randrange(paid_at + HOUR, access_ends - HOUR))
        if refunded_at is not None and refunded_at < AS_OF - 2 * HOUR:
            self.request(user, workflow, self.rng.randrange(refunded_at + HOUR, AS_OF - HOUR))

    def everyday(self, users: list, count: int) -> None:
        """The bulk: active users weighted by how busy they are, workflows by popularity (Zipf)."""
        busy = list(accumulate(self.rng.paretovariate(2.0) for _ in users))
        chosen_users = self.rng.choices(users, cum_weights=busy, k=count)
        chosen_workflows = self.rng.choices(self.runnable, cum_weights=self.runnable_cumulative, k=count)
        for user, workflow in zip(chosen_users, chosen_workflows):
            if self.rng.random() < 0.25:
                workflow = self.runnable[int(self.rng.random() * len(self.runnable))]  # browsing the long tail
            if workflow.price_cents and user.final_tier != "vip" and self.rng.random() < 0.9:
                workflow = self.free_workflow()  # most people run what they may run
            opens = max(RUNS_FROM, user.signed_up_at, workflow.published_at) + HOUR
            if opens >= AS_OF - HOUR:
                workflow, opens = self.free_workflow(), max(RUNS_FROM, user.signed_up_at) + HOUR
            self.request(user, workflow, self.moment(opens))


def build_executions(world: World) -> None:
    requests = Requests(world)
    for user in world.users:
        if user.journey == "pro_heavy":
            requests.heavy_month(user)
        elif user.journey == "quota_hitter":
            requests.quota_month(user)
        elif user.journey == "suspended":
            for _ in range(2):
                requests.request(user, requests.free_workflow(), requests.moment(max(RUNS_FROM, user.signed_up_at) + HOUR))
    for (buyer_id, workflow_id), (paid_at, refunded_at) in world.purchases.items():
        requests.purchased(buyer_id, world.workflows[workflow_id - 1], paid_at, refunded_at)
    everyday_users = [u for u in world.users if u.status == "active" and u.journey not in ("pro_heavy", "quota_hitter")]
    requests.everyday(everyday_users, world.volume("executions") - len(world.executions))
    number_by_time(world.executions, lambda e: e.requested_ms)
    admit_in_time_order(world)


def admit_in_time_order(world: World) -> None:
    used: dict[tuple[int, int], int] = {}
    month, next_month = 0, 0
    for run in world.executions:
        at = run.requested_ms // 1000
        if at >= next_month:                       # runs come in time order: months change rarely
            month, next_month = month_start(at), add_month(month_start(at))
        user, run.month = run.user, month
        run.tier = tier = user.tiers[0] if len(user.tiers) == 1 else user.tier_at(at)
        reason = refusal(world, run, at, tier)
        key, limit = (user.id, month), PLANS[tier].executions_per_month
        if reason is None:
            if limit is not None and used.get(key, 0) >= limit:
                reason = "quota_exceeded"
            else:
                used[key] = used.get(key, 0) + 1
        if reason is not None:
            run.status, run.refusal_reason = "refused", reason
            world.log(at, run.user, "execution_refused", "execution", run,
                      f'{{"reason": "{reason}", "workflow_id": {run.workflow.id}, "tier": "{tier}", '
                      f'"used_this_month": {used.get(key, 0)}, "monthly_limit": {"null" if limit is None else limit}}}')
        else:
            run.status = "queued"
            world.first_admitted_run.setdefault((run.user.id, run.workflow.id), at)


def refusal(world: World, run: Execution, at: int, tier: str) -> str | None:
    if run.user.status != "active":
        return "account_inactive"
    if not run.workflow.runnable_at(at):
        return "workflow_unavailable"
    if run.workflow.price_cents and tier != "vip" and not entitled(world, run.user.id, run.workflow.id, at):
        return "not_entitled"
    return None


def entitled(world: World, user_id: int, workflow_id: int, at: int) -> bool:
    access = world.purchases.get((user_id, workflow_id))
    return access is not None and access[0] <= at and (access[1] is None or at < access[1])
