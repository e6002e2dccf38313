"""Categories and workflow listings."""

from __future__ import annotations

from faker import Faker

from masteryflow.testing.builders.accounts import create_user, utc


def create_category(db, faker: Faker, name: str | None = None) -> dict:
    name = name or faker.unique.word().title()
    return db.execute(
        "INSERT INTO workflow_categories (name, slug) VALUES (%s, %s) RETURNING *",
        (name, faker.unique.slug(name)),
    ).fetchone()


def create_workflow(db, faker: Faker, *, author_id: int | None = None, price_cents: int = 0,
                    status: str = "published", title: str | None = None) -> dict:
    if author_id is None:
        author_id = create_user(db, faker, role="author")["id"]
    title = title or faker.unique.catch_phrase()
    created = utc(2026, 1, 2)
    return db.execute(
        """INSERT INTO workflows (author_id, category_id, title, slug, description, price_cents, status,
                                  n8n_workflow_id, created_at, published_at)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *""",
        (author_id, create_category(db, faker)["id"], title, faker.unique.slug(title), faker.paragraph(),
         price_cents, status, faker.unique.bothify("wf????????????"), created,
         created if status != "draft" else None),
    ).fetchone()
