"""Typed step parameters shared by every step module (registered once, before any step loads).

Each step module starts with `import parameter_types  # noqa: F401` so the types exist before
its patterns are compiled.
"""

import re

from behave import register_type

TIERS = ("free", "pro", "premium", "vip")


def parse_tier(text: str) -> str:
    tier = text.strip().lower()
    if tier not in TIERS:
        raise ValueError(f"unknown tier {text!r}")
    return tier


parse_tier.pattern = r"(?i:free|pro|premium|vip)"


def parse_money_cents(text: str) -> int:
    """'19 USD', '19.50 USD', '1,234.56 USD' -> integer cents."""
    amount = re.sub(r"[^\d.\-]", "", text)
    whole, _, fraction = amount.partition(".")
    return int(whole or 0) * 100 + int((fraction + "00")[:2]) * (-1 if amount.startswith("-") else 1)


parse_money_cents.pattern = r"-?[\d,]+(?:\.\d{1,2})? USD"


def parse_count(text: str) -> int:
    """'2,000' -> 2000."""
    return int(text.replace(",", ""))


parse_count.pattern = r"\d[\d,]*"

register_type(Tier=parse_tier, Money=parse_money_cents, Count=parse_count)
