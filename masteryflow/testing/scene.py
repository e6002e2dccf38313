"""The workflows and the clock of run and community scenarios, on top of the cast (cast.py).

Workflows are named by title and created (free, published) the first time a scenario mentions
them, unless a step listed them with other traits first. Actions without a day named in the
story happen one after the other, a minute apart, from mid-March 2026.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.testing.cast import cast_of

STORY_START = datetime(2026, 3, 14, 10, 0, tzinfo=timezone.utc)
BETWEEN_ACTIONS = timedelta(minutes=1)


def listing(context, title: str, **workflow_fields) -> dict:
    """The workflow titled `title`, created with workflow_fields (builders.catalog) on first mention."""
    workflows = cast_of(context).workflows
    if title not in workflows:
        workflows[title] = create_workflow(context.db, context.faker, title=title, **workflow_fields)
    return workflows[title]


def current_listing(context, title: str) -> dict:
    """The workflow's row as the database holds it now (counters included)."""
    return context.db.execute("SELECT * FROM workflows WHERE id = %s", (listing(context, title)["id"],)).fetchone()


def next_moment(context) -> datetime:
    """When the next action happens: a minute after the latest moment of the story."""
    cast = cast_of(context)
    return cast.at((cast.now or STORY_START) + BETWEEN_ACTIONS)


def name_of(context, user_id: int | None) -> str:
    """The cast name of a user ('the platform' for no user)."""
    if user_id is None:
        return "the platform"
    names = {person["id"]: name for name, person in cast_of(context).people.items()}
    return names.get(user_id, f"user {user_id}")


def title_of(context, workflow_id: int | None) -> str:
    """The cast title of a workflow."""
    titles = {workflow["id"]: title for title, workflow in cast_of(context).workflows.items()}
    return titles.get(workflow_id, f"workflow {workflow_id}")
