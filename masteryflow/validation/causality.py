"""Causality: what happens later in a history is never stamped earlier (sign-up < order < payment < run < rating).

Each rule pairs a later moment with the earlier one it follows; equal moments are allowed
(an automated step may happen within the same instant).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from masteryflow.validation.findings import Check, Finding, Probe, rule

CONCERN = "causality"


@dataclass(frozen=True)
class Order:
    """`later` (alias l) must not come before `earlier` (alias e), joined by `join`."""

    meaning: str
    later_table: str
    later_time: str
    earlier_table: str
    earlier_time: str
    join: str


ORDERS = (
    Order("a workflow is created after its author signed up", "workflows", "created_at", "users", "signed_up_at",
          "e.id = l.author_id"),
    Order("a subscription starts after its user signed up", "subscriptions", "started_at", "users",
          "signed_up_at", "e.id = l.user_id"),
    Order("an order is placed after its buyer signed up", "orders", "created_at", "users", "signed_up_at",
          "e.id = l.buyer_id"),
    Order("an order is paid after it was placed", "orders", "paid_at", "orders", "created_at", "e.id = l.id"),
    Order("a payment is attempted after its order was placed", "payments", "attempted_at", "orders", "created_at",
          "e.id = l.order_id"),
    Order("a payment is refunded after it was made", "payments", "refunded_at", "payments", "attempted_at",
          "e.id = l.id"),
    Order("a ledger entry is written after its payment", "transactions", "created_at", "payments", "attempted_at",
          "e.id = l.payment_id"),
    Order("a run is requested after its user signed up", "executions", "requested_at", "users", "signed_up_at",
          "e.id = l.user_id"),
    Order("a run is requested after its workflow was created", "executions", "requested_at", "workflows",
          "created_at", "e.id = l.workflow_id"),
    Order("a run starts after it was requested", "executions", "started_at", "executions", "requested_at",
          "e.id = l.id"),
    Order("a run finishes after it started", "executions", "finished_at", "executions", "started_at", "e.id = l.id"),
    Order("a rating comes after its user signed up", "ratings", "created_at", "users", "signed_up_at",
          "e.id = l.user_id"),
    Order("a rating is updated after it was given", "ratings", "updated_at", "ratings", "created_at", "e.id = l.id"),
    Order("a comment comes after its author signed up", "comments", "created_at", "users", "signed_up_at",
          "e.id = l.author_id"),
    Order("a comment comes after its workflow was created", "comments", "created_at", "workflows", "created_at",
          "e.id = l.workflow_id"),
    Order("a reply comes after the comment it answers", "comments", "created_at", "comments", "created_at",
          "e.id = l.parent_id"),
    Order("a report comes after the comment it reports", "comment_reports", "created_at", "comments", "created_at",
          "e.id = l.comment_id"),
    Order("a report comes after its reporter signed up", "comment_reports", "created_at", "users", "signed_up_at",
          "e.id = l.reporter_id"),
    Order("a favorite comes after its workflow was created", "favorites", "created_at", "workflows", "created_at",
          "e.id = l.workflow_id"),
    Order("a favorite comes after its user signed up", "favorites", "created_at", "users", "signed_up_at",
          "e.id = l.user_id"),
    Order("an activity comes after its actor signed up", "activities", "created_at", "users", "signed_up_at",
          "e.id = l.actor_id"),
)


def moments_in_order(order: Order, probe: Probe) -> Finding:
    later, earlier = f"l.{order.later_time}", f"e.{order.earlier_time}"
    query = f"""SELECT '{order.later_table} id ' || l.id || ': {order.later_time} ' || {later}
                       || ' is before {order.earlier_table} id ' || e.id || ' {order.earlier_time} ' || {earlier}
                FROM {order.later_table} l JOIN {order.earlier_table} e ON {order.join}
                WHERE {later} < {earlier}"""
    return rule(probe, query, holds=order.meaning,
                broken=f"{{n}} time(s) out of order: not always true that {order.meaning}")


def checks() -> list[Check]:
    return [Check(CONCERN, order.meaning, partial(moments_in_order, order)) for order in ORDERS]

