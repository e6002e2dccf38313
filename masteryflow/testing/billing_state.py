"""Readings of a user's plans, orders, payments and ledger, for scenario assertions."""

from __future__ import annotations


def user_plan(db, user_id: int) -> dict:
    """The user's tier with its plan's limits."""
    return db.execute("SELECT u.tier, p.* FROM users u JOIN plans p ON p.tier = u.tier WHERE u.id = %s",
                      (user_id,)).fetchone()


def subscriptions_of(db, user_id: int) -> list[dict]:
    return db.execute("SELECT * FROM subscriptions WHERE user_id = %s ORDER BY started_at, id", (user_id,)).fetchall()


def latest_subscription(db, user_id: int, tier: str) -> dict:
    return db.execute("SELECT * FROM subscriptions WHERE user_id = %s AND tier = %s ORDER BY id DESC LIMIT 1",
                      (user_id, tier)).fetchone()


def overlapping_subscriptions(db, user_id: int) -> list[dict]:
    """Pairs of the user's subscriptions whose lifetimes overlap (should be none)."""
    return db.execute(
        """SELECT a.id AS first_id, b.id AS second_id FROM subscriptions a JOIN subscriptions b
             ON a.user_id = b.user_id AND a.id < b.id
            AND tstzrange(a.started_at, a.ended_at) && tstzrange(b.started_at, b.ended_at)
            WHERE a.user_id = %s""", (user_id,)).fetchall()


def latest_order(db, user_id: int, purpose: str | None = None) -> dict:
    return db.execute(
        """SELECT * FROM orders WHERE buyer_id = %s AND (%s::text IS NULL OR purpose = %s)
            ORDER BY id DESC LIMIT 1""", (user_id, purpose, purpose)).fetchone()


def payments_of(db, order_id: int) -> list[dict]:
    return db.execute("SELECT * FROM payments WHERE order_id = %s ORDER BY attempt_number", (order_id,)).fetchall()


def ledger_rows(db, *, kind: str, order_id: int | None = None, user_id: int | None = None) -> list[dict]:
    return db.execute(
        """SELECT * FROM transactions WHERE kind = %s AND (%s::bigint IS NULL OR order_id = %s)
            AND (%s::bigint IS NULL OR user_id = %s) ORDER BY id""",
        (kind, order_id, order_id, user_id, user_id)).fetchall()


def ledger_balance(db, user_id: int) -> dict:
    """A user's charges + refunds next to their succeeded payments - refunded payments (cents)."""
    return db.execute(
        """SELECT (SELECT coalesce(sum(amount_cents), 0) FROM transactions
                    WHERE user_id = u.id AND kind IN ('charge', 'refund')) AS charged,
                  (SELECT coalesce(sum(p.amount_cents) FILTER (WHERE p.status IN ('succeeded', 'refunded')), 0)
                        - coalesce(sum(p.amount_cents) FILTER (WHERE p.status = 'refunded'), 0)
                     FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.buyer_id = u.id) AS paid
             FROM users u WHERE u.id = %s""", (user_id,)).fetchone()


def activities_of(db, user_id: int, action: str) -> list[dict]:
    return db.execute(
        """SELECT * FROM activities WHERE action = %s AND (actor_id = %s OR recipient_id = %s
                                                         OR subject_type = 'user' AND subject_id = %s)
            ORDER BY id""", (action, user_id, user_id, user_id)).fetchall()
