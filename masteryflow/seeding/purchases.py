"""One-time purchases (domain.md O2-O4): tier discount, 70/30 split, retries, refunds within 14 days.

Purchases fill the order volume left after the subscription histories.
"""

from __future__ import annotations

from masteryflow.seeding.billing import Billing
from masteryflow.seeding.clock import AS_OF, DAY, HOUR, MINUTE
from masteryflow.seeding.rules import REFUND_WINDOW_DAYS, tier_discount_cents
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import World, number_by_time

OUTCOMES = ("paid", "retried", "failed", "pending", "canceled")
OUTCOME_WEIGHTS = (78, 7, 6, 4, 5)


def build_purchases(world: World) -> None:
    rng = stream(world.seed, "orders")
    billing = Billing(world, stream(world.seed, "order_payments"))
    buyers = [u for u in world.users if u.status == "active" and u.final_tier != "vip"
              and u.journey not in ("pro_heavy", "quota_hitter")]  # their months are counted exactly
    paid_workflows = [w for w in world.workflows if w.price_cents > 0 and w.published_at is not None]
    weights = [w.popularity for w in paid_workflows]
    subscribers = [u for u in buyers if u.tier in ("pro", "premium")]  # they buy with their tier discount
    for _ in range(world.volume("orders") - len(world.orders)):
        buyer = rng.choice(subscribers if rng.random() < 0.5 else buyers)
        workflow = rng.choices(paid_workflows, weights)[0]
        opens = max(buyer.tier_starts[-1], workflow.published_at) + HOUR
        closes = min(AS_OF, workflow.archived_at or AS_OF) - 2 * HOUR
        if opens >= closes or (buyer.id, workflow.id) in world.purchases:
            buyer, workflow = fallback_pair(world, rng, buyers, paid_workflows)
            opens, closes = max(buyer.tier_starts[-1], workflow.published_at) + HOUR, AS_OF - 2 * HOUR
        at = rng.randrange(opens, closes)
        purchase(world, billing, rng, buyer, workflow, at, rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0])
    number_by_time(world.orders, lambda o: o.created_at)
    number_by_time(world.payments, lambda p: p.attempted_at)
    number_by_time(world.ledger, lambda e: e.created_at)


def fallback_pair(world, rng, buyers, workflows):
    """A buyer and a workflow that is on sale for the rest of the history and not yet bought by them."""
    lasting = [w for w in workflows if w.archived_at is None and w.published_at < AS_OF - 5 * DAY]
    while True:
        buyer, workflow = rng.choice(buyers), rng.choice(lasting)
        if (buyer.id, workflow.id) not in world.purchases and max(buyer.tier_starts[-1], workflow.published_at) < AS_OF - 4 * HOUR:
            return buyer, workflow


def purchase(world, billing: Billing, rng, buyer, workflow, at: int, outcome: str) -> None:
    tier = buyer.tier_at(at)
    order = billing.order("one_time", "purchase", buyer, at, workflow.price_cents,
                          discount_cents=tier_discount_cents(workflow.price_cents, tier), workflow=workflow)
    method = billing.method()
    if outcome == "canceled":
        order.status = "canceled"
        world.log(at + 10 * MINUTE, buyer, "order_canceled", "order", order)
        return
    if outcome == "pending":
        billing.attempt(order, at + MINUTE, "pending", method)
        return
    if outcome in ("retried", "failed"):
        billing.attempt(order, at + MINUTE, "declined", method)
        billing.attempt(order, at + HOUR, "declined", method)
        if outcome == "failed":
            order.status = "failed"
            return
        world.scenarios["O3"] += 1
    payment = billing.attempt(order, at + 2 * HOUR if outcome == "retried" else at + MINUTE, "succeeded", method)
    world.scenarios["O2"] += 1
    refunded_at = maybe_refund(world, billing, rng, order, payment.attempted_at)
    world.purchases[(buyer.id, workflow.id)] = (order.paid_at, refunded_at)


def maybe_refund(world, billing: Billing, rng, order, paid_at: int) -> int | None:
    """O4: about one purchase in ten is refunded within 14 days; later requests are refused."""
    window_end = min(paid_at + REFUND_WINDOW_DAYS * DAY, AS_OF - HOUR)
    draw = rng.random()
    if draw < 0.10 and window_end > paid_at + HOUR:
        refunded_at = rng.randrange(paid_at + HOUR, window_end)
        billing.refund(order, refunded_at)
        world.scenarios["O4"] += 1
        return refunded_at
    late = paid_at + (REFUND_WINDOW_DAYS + 1) * DAY
    if draw > 0.90 and late < AS_OF - HOUR:
        world.log(rng.randrange(late, AS_OF - HOUR + 1), order.buyer, "refund_refused", "order", order,
                  '{"reason": "refund_window_passed", "message": "refunds are possible within 14 days of payment"}')
        world.scenarios["O4_refused"] += 1
    return None
