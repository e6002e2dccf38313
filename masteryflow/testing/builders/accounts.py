"""Users, with their tier and (for paid tiers) the live subscription that gives it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from faker import Faker


def utc(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def create_user(db, faker: Faker, *, tier: str = "free", role: str = "customer", status: str = "active",
                signed_up_at: datetime | None = None, display_name: str | None = None,
                email: str | None = None) -> dict:
    signed_up_at = signed_up_at or utc(2026, 1, 5)
    user = db.execute(
        """INSERT INTO users (email, display_name, role, tier, status, country, signed_up_at, n8n_project_id)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING *""",
        (email or faker.unique.email(), display_name or faker.name(), role, tier, status, faker.country_code(),
         signed_up_at, faker.unique.bothify("prj_????????????????")),
    ).fetchone()
    if tier != "free":
        start_subscription(db, user["id"], tier, period_start=signed_up_at)
    return user


def start_subscription(db, user_id: int, tier: str, *, period_start: datetime,
                       period_days: int | None = None, monthly_price_cents: int | None = None) -> dict:
    """A live, active subscription for the current period (no order history)."""
    price = monthly_price_cents
    if price is None:
        price = db.execute("SELECT monthly_price_cents FROM plans WHERE tier = %s", (tier,)).fetchone()[
            "monthly_price_cents"]
    period_end = (period_start + timedelta(days=period_days) if period_days
                  else db.execute("SELECT %s::timestamptz + setting_interval('subscription_period') AS e",
                                  (period_start,)).fetchone()["e"])
    db.execute("UPDATE users SET tier = %s WHERE id = %s", (tier, user_id))
    return db.execute(
        """INSERT INTO subscriptions (user_id, tier, status, monthly_price_cents, current_period_start,
                                      current_period_end, started_at)
           VALUES (%s, %s, 'active', %s, %s, %s, %s) RETURNING *""",
        (user_id, tier, price, period_start, period_end, period_start),
    ).fetchone()


def record_usage(db, user_id: int, month: date, runs: int) -> None:
    """Runs already admitted for the user in a calendar month (the month's usage counter)."""
    db.execute(
        """INSERT INTO usage_logs (user_id, period_month, metric, quantity, updated_at)
           VALUES (%s, %s, 'executions', %s, %s)""",
        (user_id, month, runs, datetime(month.year, month.month, month.day, tzinfo=timezone.utc)),
    )
