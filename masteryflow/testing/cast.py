"""Who and what a scenario talks about: people by first name, workflows by title, the story's clock."""

from __future__ import annotations

from datetime import datetime

from masteryflow.testing.builders.accounts import create_user


class Cast:
    def __init__(self):
        self.people: dict[str, dict] = {}
        self.workflows: dict[str, dict] = {}
        self.now: datetime | None = None  # the latest moment the story mentioned

    def person(self, name: str) -> dict:
        if name not in self.people:
            raise KeyError(f"nobody called {name} was introduced in this scenario")
        return self.people[name]

    def workflow(self, title: str) -> dict:
        if title not in self.workflows:
            raise KeyError(f"no workflow titled {title!r} was introduced in this scenario")
        return self.workflows[title]

    def at(self, moment: datetime) -> datetime:
        """Note the moment as the story's present and return it."""
        self.now = moment if self.now is None else max(self.now, moment)
        return moment


def cast_of(context) -> Cast:
    """The scenario's cast, created on first use (behave drops it with the scenario's context layer)."""
    if not hasattr(context, "cast"):
        context.cast = Cast()
    return context.cast


def meet(context, name: str, **user_fields) -> dict:
    """The person called `name`, created with user_fields (builders.accounts.create_user) on first mention."""
    cast = cast_of(context)
    if name not in cast.people:
        cast.people[name] = create_user(context.db, context.faker,
                                        display_name=f"{name} {context.faker.last_name()}", **user_fields)
    return cast.people[name]
