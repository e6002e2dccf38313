"""One-time purchases of a workflow "as they already are": the order and its payment.

The purchase rules themselves (discounts, payouts, refund window) belong to the billing
functions; these rows only give a scenario a buyer who holds (or no longer holds) a workflow.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def create_paid_purchase(db, buyer_id: int, workflow: dict, *, paid_at: datetime) -> dict:
    """A paid one_time order of the workflow at its list price, with its succeeded payment."""
    order = _insert_order(db, buyer_id, workflow, status="paid", created_at=paid_at, paid_at=paid_at)
    _insert_payment(db, order, status="succeeded", attempted_at=paid_at)
    return order


def create_refunded_purchase(db, buyer_id: int, workflow: dict, *, paid_at: datetime,
                             refunded_at: datetime | None = None) -> dict:
    """A one_time order that was paid and then refunded (the buyer's access has ended)."""
    refunded_at = refunded_at or paid_at + timedelta(days=1)
    order = _insert_order(db, buyer_id, workflow, status="refunded", created_at=paid_at, paid_at=paid_at,
                          refunded_at=refunded_at)
    _insert_payment(db, order, status="refunded", attempted_at=paid_at, refunded_at=refunded_at)
    return order


def create_unpaid_purchase(db, buyer_id: int, workflow: dict, *, ordered_at: datetime) -> dict:
    """A one_time order still waiting for its payment."""
    return _insert_order(db, buyer_id, workflow, status="pending", created_at=ordered_at)


def _insert_order(db, buyer_id: int, workflow: dict, *, status: str, created_at: datetime,
                  paid_at: datetime | None = None, refunded_at: datetime | None = None) -> dict:
    price = workflow["price_cents"]
    return db.execute(
        """INSERT INTO orders (kind, purpose, buyer_id, workflow_id, list_price_cents, amount_due_cents,
                               amount_paid_cents, currency, status, created_at, paid_at, refunded_at)
           VALUES ('one_time', 'purchase', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *""",
        (buyer_id, workflow["id"], price, price, price if paid_at else 0, workflow["currency"], status,
         created_at, paid_at, refunded_at),
    ).fetchone()


def _insert_payment(db, order: dict, *, status: str, attempted_at: datetime,
                    refunded_at: datetime | None = None) -> dict:
    return db.execute(
        """INSERT INTO payments (order_id, provider, provider_reference, method, amount_cents, currency,
                                 status, attempt_number, attempted_at, refunded_at)
           VALUES (%s, 'stripe', %s, 'card', %s, %s, %s, 1, %s, %s) RETURNING *""",
        (order["id"], f"pi_test_order_{order['id']}", order["amount_due_cents"], order["currency"], status,
         attempted_at, refunded_at),
    ).fetchone()
