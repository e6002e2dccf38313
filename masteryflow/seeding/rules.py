"""The domain's rules in numbers (domain.md), as the recipes need them.

The plans mirror the `plans` rows of the schema; file 01 upserts exactly these values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    tier: str
    display_name: str
    rank: int
    monthly_price_cents: int
    price_is_negotiated: bool
    executions_per_month: int | None  # None = unlimited
    queue_priority: int
    run_timeout_seconds: int
    marketplace_discount_percent: int


PLANS = {
    "free": Plan("free", "Free", 1, 0, False, 100, 40, 60, 0),
    "pro": Plan("pro", "Pro", 2, 1900, False, 2000, 30, 300, 10),
    "premium": Plan("premium", "Premium", 3, 4900, False, 10000, 20, 900, 20),
    "vip": Plan("vip", "VIP", 4, 19900, True, None, 10, 3600, 30),
}

REFUND_WINDOW_DAYS = 14
GRACE_PERIOD_DAYS = 7
AUTHOR_PAYOUT_PERCENT = 70
MODERATION_THRESHOLD = 3
NULL = "\\N"  # how COPY text spells SQL NULL; row builders put it where a value is missing


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest integer, halves up (non-negative operands)."""
    return (2 * numerator + denominator) // (2 * denominator)


def tier_discount_cents(list_price_cents: int, tier: str) -> int:
    return round_half_up(list_price_cents * PLANS[tier].marketplace_discount_percent, 100)


def author_payout_cents(amount_cents: int) -> int:
    """70 % of a one-time purchase, rounded down; the platform fee is the rest."""
    return amount_cents * AUTHOR_PAYOUT_PERCENT // 100


def prorated_upgrade_cents(old_tier: str, new_tier: str, days_left: int, days_in_period: int) -> int:
    difference = PLANS[new_tier].monthly_price_cents - PLANS[old_tier].monthly_price_cents
    return round_half_up(difference * days_left, days_in_period)
