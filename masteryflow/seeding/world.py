"""The generated history in memory: entities the recipes create and link, before rendering.

Ids of users, workflows and categories are known when they are created; orders, payments,
subscriptions, transactions, executions, comments and activities get theirs in time order once
their recipe is done (see number_by_time), so ids grow with time as in a real database.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from masteryflow.seeding.pools import Pools

VOLUMES_AT_SCALE_1 = {
    "users": 1000, "workflows": 200, "orders": 500, "executions": 10_000, "comments": 2000,
    "ratings": 1500, "favorites": 3200, "worker_samples": 24_000,
}
TIER_SPLIT_AT_SCALE_1 = {"free": 600, "pro": 250, "premium": 120, "vip": 30}


@dataclass(slots=True, eq=False)
class User:
    id: int
    email: str
    display_name: str
    role: str
    status: str
    country: str
    signed_up_at: int
    project_id: str
    final_tier: str
    journey: str = "free"
    tier_starts: list = field(default_factory=list)  # ascending moments the tier changed
    tiers: list = field(default_factory=list)        # tier from the matching moment on

    def become(self, tier: str, at: int) -> None:
        self.tier_starts.append(at)
        self.tiers.append(tier)

    def tier_at(self, at: int) -> str:
        return self.tiers[bisect_right(self.tier_starts, at) - 1]

    @property
    def tier(self) -> str:
        return self.tiers[-1]


@dataclass(slots=True, eq=False)
class Workflow:
    id: int
    author: User
    category_id: int
    title: str
    slug: str
    description: str
    price_cents: int
    status: str
    n8n_workflow_id: str
    created_at: int
    published_at: int | None
    archived_at: int | None
    popularity: float
    error_rate: float
    typical_ms: int
    execution_count: int = 0
    error_count: int = 0
    stars: list = field(default_factory=list)
    favorite_count: int = 0

    def runnable_at(self, at: int) -> bool:
        return (self.published_at is not None and self.published_at <= at
                and (self.archived_at is None or at < self.archived_at))


@dataclass(slots=True, eq=False)
class Subscription:
    user: User
    tier: str
    status: str
    monthly_price_cents: int
    period_start: int
    period_end: int
    started_at: int
    cancel_at_period_end: bool = False
    scheduled_tier: str | None = None
    past_due_since: int | None = None
    ended_at: int | None = None
    id: int = 0


@dataclass(slots=True, eq=False)
class Order:
    kind: str
    purpose: str
    buyer: User
    created_at: int
    list_price_cents: int
    discount_cents: int = 0
    workflow: Workflow | None = None
    tier: str | None = None
    subscription: Subscription | None = None
    amount_paid_cents: int = 0
    status: str = "pending"
    paid_at: int | None = None
    refunded_at: int | None = None
    attempts: int = 0
    id: int = 0

    @property
    def amount_due_cents(self) -> int:
        return self.list_price_cents - self.discount_cents


@dataclass(slots=True, eq=False)
class Payment:
    order: Order
    provider: str
    reference: str
    method: str
    amount_cents: int
    status: str
    failure_reason: str | None
    attempt_number: int
    attempted_at: int
    refunded_at: int | None = None
    id: int = 0


@dataclass(slots=True, eq=False)
class LedgerEntry:
    kind: str
    user: User | None
    order: Order | None
    payment: Payment | None
    amount_cents: int
    description: str
    created_at: int
    id: int = 0


@dataclass(slots=True, eq=False)
class Activity:
    created_at: int
    actor: User | None
    action: str
    subject_type: str
    subject: object           # anything with an .id once numbered
    details: str | Callable[[], str] = "{}"   # JSON text, or a function giving it once ids are known
    recipient: User | None = None
    id: int = 0


@dataclass(slots=True, frozen=True, eq=False)
class Numbered:
    """A subject known only by its id (a row the recipe builds directly, e.g. a rating)."""
    id: int


@dataclass(slots=True, eq=False)
class World:
    seed: int
    scale: float
    pools: Pools
    users: list = field(default_factory=list)
    categories: list = field(default_factory=list)   # (id, parent_id, name, slug)
    workflows: list = field(default_factory=list)
    subscriptions: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    ledger: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    executions: list = field(default_factory=list)
    usage_rows: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    comment_reports: list = field(default_factory=list)
    ratings: list = field(default_factory=list)
    favorites: list = field(default_factory=list)
    workers: list = field(default_factory=list)      # (worker_id, host)
    # (user id, workflow id) -> [(paid_at, refunded_at or None)] of paid one-time purchases
    purchases: dict = field(default_factory=dict)
    # (user id, workflow id) -> first admitted run's request time (the rating right)
    first_admitted_run: dict = field(default_factory=dict)
    scenarios: Counter = field(default_factory=Counter)

    def volume(self, name: str) -> int:
        return round(VOLUMES_AT_SCALE_1[name] * self.scale)

    def tier_split(self) -> dict[str, int]:
        split = {tier: round(count * self.scale) for tier, count in TIER_SPLIT_AT_SCALE_1.items()}
        split["free"] = self.volume("users") - split["pro"] - split["premium"] - split["vip"]
        return split

    def log(self, at: int, actor: User | None, action: str, subject_type: str, subject: object,
            details: str = "{}", recipient: User | None = None) -> None:
        self.activities.append(Activity(at, actor, action, subject_type, subject, details, recipient))


def number_by_time(items: list, time_of) -> list:
    """Sort items by their time (stable: creation order breaks ties) and give them ids 1..n."""
    items.sort(key=time_of)
    for number, item in enumerate(items, 1):
        item.id = number
    return items
