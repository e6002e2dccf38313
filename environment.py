"""behave hooks: thin, delegating to masteryflow.testing.

Services come from `-D database_url=... -D redis_url=...` or the environment first, then the
default local ports, then Docker, then embedded servers. Every scenario gets its own database,
cloned from a migrated template, and leaves nothing behind.
"""

from behave.fixture import use_fixture_by_tag

from masteryflow.testing import scenario_context
from masteryflow.testing.fixtures import FIXTURE_REGISTRY


def before_all(context):
    scenario_context.start_run(context, context.config.userdata)


def before_tag(context, tag):
    if tag.startswith("fixture."):
        return use_fixture_by_tag(tag, context, FIXTURE_REGISTRY)
    return None


def before_scenario(context, scenario):
    scenario_context.start_scenario(context, scenario.name)


def after_scenario(context, scenario):
    scenario_context.end_scenario(context)


def after_all(context):
    scenario_context.end_run(context)
