"""Rows of the billing tables and the activity feed, from the numbered entities."""

from __future__ import annotations

from masteryflow.seeding.clock import ts
from masteryflow.seeding.rules import NULL
from masteryflow.seeding.world import World, number_by_time


def _id(entity) -> str:
    return NULL if entity is None else str(entity.id)


def _ts(moment: int | None) -> str:
    return NULL if moment is None else ts(moment)


def order_rows(world: World) -> list[tuple]:
    return [
        (str(o.id), o.kind, o.purpose, str(o.buyer.id), _id(o.workflow), o.tier or NULL, _id(o.subscription),
         str(o.list_price_cents), str(o.discount_cents), str(o.amount_due_cents), str(o.amount_paid_cents),
         o.status, ts(o.created_at), _ts(o.paid_at), _ts(o.refunded_at))
        for o in world.orders
    ]


def payment_rows(world: World) -> list[tuple]:
    return [
        (str(p.id), str(p.order.id), p.provider, p.reference, p.method, str(p.amount_cents), p.status,
         p.failure_reason or NULL, str(p.attempt_number), ts(p.attempted_at), _ts(p.refunded_at))
        for p in world.payments
    ]


def transaction_rows(world: World) -> list[tuple]:
    return [
        (str(e.id), e.kind, _id(e.user), _id(e.order), _id(e.payment), str(e.amount_cents), e.description,
         ts(e.created_at))
        for e in world.ledger
    ]


def activity_rows(world: World) -> list[tuple]:
    number_by_time(world.activities, lambda a: a.created_at)
    return [
        (str(a.id), _id(a.actor), _id(a.recipient), a.action, a.subject_type, str(a.subject.id),
         a.details() if callable(a.details) else a.details, ts(a.created_at))
        for a in world.activities
    ]
