"""Realistic values drawn once per run with Faker (slow: ~14,000 values/s), then sampled.

Every pool has its own Faker instance seeded from the run's seed and the pool's name. Values
are made COPY-safe here, once, so the recipes can put them into rows as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker

from masteryflow.seeding.streams import stream_seed

WORKFLOW_THEMES = (
    "CRM", "Lead scoring", "Invoice", "Slack alert", "Newsletter", "AI summary", "Ticket triage",
    "Inventory sync", "Payroll", "Social post", "Calendar", "Backup", "Webhook relay", "Report",
)
NODES = ("HTTP Request", "Google Sheets", "Slack", "OpenAI", "Postgres", "Code", "IF", "Gmail",
         "HubSpot", "Airtable", "Notion", "Stripe", "Set", "Merge", "Webhook")
ERRORS = (
    "Request failed with status code 429", "Request failed with status code 500",
    "The resource you are requesting could not be found", "Invalid credentials",
    "Cannot read properties of undefined (reading 'id')", "Connection timed out after 30000 ms",
    "JSON parameter needs to be valid JSON", "The service is receiving too many requests",
)


def copy_safe(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " "))


@dataclass(frozen=True)
class Pools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    countries: tuple[str, ...]
    email_domains: tuple[str, ...]
    sentences: tuple[str, ...]
    catch_phrases: tuple[str, ...]
    words: tuple[str, ...]
    hosts: tuple[str, ...]


def draw_pools(seed: int) -> Pools:
    def faker_for(name: str) -> Faker:
        fake = Faker("en_US")
        fake.seed_instance(stream_seed(seed, f"pool:{name}"))
        return fake

    names, texts, places = faker_for("names"), faker_for("texts"), faker_for("places")
    return Pools(
        first_names=unique(copy_safe(names.first_name()) for _ in range(400)),
        last_names=unique(copy_safe(names.last_name()) for _ in range(400)),
        # repeats on purpose: a few countries hold most users
        countries=tuple(places.country_code() for _ in range(60)) + ("US",) * 30 + ("DE",) * 12 + ("GB",) * 10,
        email_domains=unique(places.free_email_domain() for _ in range(40)) + unique(
            places.domain_name() for _ in range(60)),
        sentences=unique(copy_safe(texts.sentence(nb_words=10)) for _ in range(600)),
        catch_phrases=unique(copy_safe(texts.catch_phrase()) for _ in range(400)),
        words=unique(copy_safe(texts.word()) for _ in range(300)),
        hosts=unique(places.hostname(levels=0) for _ in range(8)),
    )


def unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
