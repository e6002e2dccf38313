"""Workflow categories (a two-level tree) and marketplace workflows with power-law popularity."""

from __future__ import annotations

import re

from masteryflow.seeding.clock import AS_OF, DAY, epoch, ts
from masteryflow.seeding.pools import WORKFLOW_THEMES
from masteryflow.seeding.rules import NULL
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import Workflow, World

CATEGORY_TREE = {
    "CRM": ("Lead management", "Customer support"),
    "Marketing": ("Email campaigns", "Social media"),
    "Finance": ("Invoicing", "Accounting"),
    "AI": ("Summaries", "Chatbots"),
    "Operations": ("Inventory", "Human resources"),
    "Developer tools": ("DevOps", "Data sync"),
}
PRICES_CENTS = (499, 900, 1499, 1900, 2900, 4900, 9900)
LAST_CREATED = epoch(2026, 9, 1)
NOT_SLUG = re.compile(r"[^a-z0-9]+")
TEN_DAYS = 10 * DAY


def build_catalog(world: World) -> None:
    build_categories(world)
    rng = stream(world.seed, "workflows")
    authors = [user for user in world.users if user.role == "author"]
    count = world.volume("workflows")
    popularity_ranks = list(range(1, count + 1))
    rng.shuffle(popularity_ranks)
    for workflow_id, rank in zip(range(1, count + 1), popularity_ranks):
        author = rng.choice(authors)
        created = rng.randrange(author.signed_up_at + DAY, LAST_CREATED)
        status = rng.choices(("published", "draft", "archived"), (85, 7, 8))[0]
        published = None if status == "draft" else created + rng.randrange(TEN_DAYS)
        title = f"{rng.choice(WORKFLOW_THEMES)}: {rng.choice(world.pools.catch_phrases)}"
        world.workflows.append(Workflow(
            id=workflow_id, author=author, category_id=rng.randrange(1, len(world.categories) + 1),
            title=title, slug=f"{NOT_SLUG.sub('-', title.lower()).strip('-')}-{workflow_id}",
            description=" ".join(rng.sample(world.pools.sentences, 2)),
            price_cents=0 if rng.random() < 0.65 else rng.choice(PRICES_CENTS),
            status=status, n8n_workflow_id=f"{rng.getrandbits(56):014x}{workflow_id:04x}",
            created_at=created, published_at=published,
            archived_at=rng.randrange(published + 20 * DAY, AS_OF - 20 * DAY) if status == "archived" else None,
            popularity=1.0 / rank ** 1.1,                  # Zipf: a few workflows get most runs
            error_rate=min(0.3, rng.lognormvariate(-3.4, 0.8)),
            typical_ms=int(rng.lognormvariate(7.3, 0.9)) + 50,
        ))
    for workflow in world.workflows:
        if workflow.published_at is not None:
            world.log(workflow.published_at, workflow.author, "workflow_published", "workflow", workflow,
                      f'{{"price_cents": {workflow.price_cents}}}')
        if workflow.archived_at is not None:
            world.log(workflow.archived_at, workflow.author, "workflow_archived", "workflow", workflow)



def build_categories(world: World) -> None:
    for parent, children in CATEGORY_TREE.items():
        parent_id = len(world.categories) + 1
        world.categories.append((parent_id, None, parent, slug_of(parent)))
        for child in children:
            world.categories.append((len(world.categories) + 1, parent_id, child, slug_of(child)))


def slug_of(name: str) -> str:
    return NOT_SLUG.sub("-", name.lower()).strip("-")


def category_rows(world: World) -> list[tuple]:
    return [(str(i), NULL if parent is None else str(parent), name, slug) for i, parent, name, slug in world.categories]


def workflow_rows(world: World) -> list[tuple]:
    rows = []
    for w in world.workflows:
        rating_count = len(w.stars)
        rows.append((
            str(w.id), str(w.author.id), str(w.category_id), w.title, w.slug, w.description, str(w.price_cents),
            w.status, w.n8n_workflow_id, average_rating(w.stars), str(rating_count), str(w.favorite_count),
            str(w.execution_count), str(w.error_count), ts(w.created_at),
            NULL if w.published_at is None else ts(w.published_at),
        ))
    return rows


def average_rating(stars: list[int]) -> str:
    """numeric(3,2) as PostgreSQL rounds avg(stars): to the cent, halves away from zero."""
    if not stars:
        return NULL
    hundredths = (200 * sum(stars) + len(stars)) // (2 * len(stars))
    return f"{hundredths // 100}.{hundredths % 100:02d}"
