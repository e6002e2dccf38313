"""Typed step parameters shared by every step module (registered once, before any step loads).

Each step module starts with `import parameter_types  # noqa: F401` so the types exist before
its patterns are compiled.
"""

import re
from datetime import date, datetime, timedelta, timezone

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

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def parse_date(text: str) -> datetime:
    """'16 March 2026' -> that day at 12:00 UTC (stories name days; noon keeps them clear of midnight)."""
    day, month, year = text.split()
    return datetime(int(year), MONTHS.index(month) + 1, int(day), 12, tzinfo=timezone.utc)


parse_date.pattern = r"\d{1,2} (?:%s) \d{4}" % "|".join(MONTHS)


def parse_person(text: str) -> str:
    """A person in the story, by first name."""
    return text


parse_person.pattern = r"[A-Z][a-z]+"


PAYMENT_METHODS = {"card": "card", "bank transfer": "bank_transfer", "PayPal": "paypal",
                   "SEPA direct debit": "sepa_debit"}


def parse_payment_method(text: str) -> str:
    return PAYMENT_METHODS[text]


parse_payment_method.pattern = "|".join(PAYMENT_METHODS)

register_type(Tier=parse_tier, Money=parse_money_cents, Count=parse_count, Date=parse_date, Person=parse_person,
              PaymentMethod=parse_payment_method)


def parse_quoted(text: str) -> str:
    """'"Lead Enrichment"' -> 'Lead Enrichment' (workflow titles, comment bodies, messages)."""
    return text[1:-1]


parse_quoted.pattern = r'"[^"]*"'


def parse_month(text: str) -> date:
    """'April 2026' -> the first day of that month."""
    month, year = text.split()
    return date(int(year), MONTHS.index(month) + 1, 1)


parse_month.pattern = r"(?:%s) \d{4}" % "|".join(MONTHS)


def parse_duration(text: str) -> timedelta:
    """'301 seconds', '1 minute', '61 minutes', '2 hours'."""
    amount, unit = text.split()
    return timedelta(**{unit.rstrip("s") + "s": parse_count(amount)})


parse_duration.pattern = r"\d[\d,]* (?:seconds?|minutes?|hours?)"


def parse_reason(text: str) -> str:
    """A refusal in words -> its reason code: 'no rating right' -> 'no_rating_right'."""
    return text.replace(" ", "_")


parse_reason.pattern = r"[a-z]+(?: [a-z]+)*"


def one_of(*choices: str):
    """A parameter type accepting exactly these phrases (register it where it is used)."""
    def parse(text: str) -> str:
        return text

    parse.pattern = "|".join(choices)
    return parse


register_type(Title=parse_quoted, Text=parse_quoted, Month=parse_month, Duration=parse_duration, Reason=parse_reason)
