"""Billing histories: plans, purchases and payments, replayed through the platform's SQL functions.

Orders, payments and ledger rows depend on each other (charges, payouts, subscriptions), so these
builders do not write them directly: they call the same functions a client would, at the moments
the scenario names.
"""

from __future__ import annotations

from datetime import datetime

from faker import Faker


def provider_reference(faker: Faker) -> str:
    return faker.unique.bothify("pi_########????????????").replace(" ", "")


def pay(db, faker: Faker, order_id: int, amount_cents: int, at: datetime, *, method: str = "card",
        reference: str | None = None) -> int:
    """A succeeded payment reported by the provider; returns the payment id."""
    return db.execute(
        "SELECT confirm_payment(%s, 'stripe', %s, %s, %s, %s) AS id",
        (order_id, reference or provider_reference(faker), method, amount_cents, at),
    ).fetchone()["id"]


def decline(db, faker: Faker, order_id: int, amount_cents: int, reason: str, at: datetime, *,
            method: str = "card") -> int:
    return db.execute(
        "SELECT decline_payment(%s, 'stripe', %s, %s, %s, %s, %s) AS id",
        (order_id, provider_reference(faker), method, amount_cents, reason, at),
    ).fetchone()["id"]


def amount_due(db, order_id: int) -> int:
    return db.execute("SELECT amount_due_cents - amount_paid_cents AS due FROM orders WHERE id = %s",
                      (order_id,)).fetchone()["due"]


def order_plan(db, user_id: int, tier: str, at: datetime) -> int:
    return db.execute("SELECT order_plan(%s, %s, %s) AS id", (user_id, tier, at)).fetchone()["id"]


def subscribe(db, faker: Faker, user_id: int, tier: str, at: datetime) -> int:
    """Order a paid tier (VIP: a contract at its minimum price) and pay it by card at once; returns the order id."""
    if tier == "vip":
        minimum = db.execute("SELECT monthly_price_cents FROM plans WHERE tier = 'vip'").fetchone()["monthly_price_cents"]
        order_id = order_vip_contract(db, user_id, minimum, at)
    else:
        order_id = order_plan(db, user_id, tier, at)
    pay(db, faker, order_id, amount_due(db, order_id), at)
    return order_id


def order_vip_contract(db, user_id: int, monthly_price_cents: int, at: datetime) -> int:
    return db.execute("SELECT order_vip_contract(%s, %s, %s) AS id",
                      (user_id, monthly_price_cents, at)).fetchone()["id"]


def order_workflow(db, user_id: int, workflow_id: int, at: datetime) -> int:
    return db.execute("SELECT order_workflow(%s, %s, %s) AS id", (user_id, workflow_id, at)).fetchone()["id"]


def buy_workflow(db, faker: Faker, user_id: int, workflow_id: int, at: datetime) -> int:
    """A one-time purchase, paid by card at once; returns the order id."""
    order_id = order_workflow(db, user_id, workflow_id, at)
    pay(db, faker, order_id, amount_due(db, order_id), at)
    return order_id


def run_billing(db, at: datetime) -> int:
    """The platform's billing clock: lapses, period ends, renewal orders."""
    return db.execute("SELECT advance_subscriptions(%s) AS acted", (at,)).fetchone()["acted"]
