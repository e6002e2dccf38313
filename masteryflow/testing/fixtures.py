"""Fixtures selected by tags (@fixture.<name>) in feature files.

A fixture is a generator function taking behave's context: set-up before `yield`,
clean-up after. Areas add theirs to FIXTURE_REGISTRY.
"""

from masteryflow.testing.n8n_stack import n8n_stack_fixture, n8n_stack_two_workers_fixture
from masteryflow.testing.resilience_stack import resilience_stack
from masteryflow.testing.seeded_databases import seeded_database
from masteryflow.testing.tier_queue_stage import tier_queue_stage

FIXTURE_REGISTRY: dict = {
    "fixture.seeded_database": seeded_database,
    "fixture.n8n_stack": n8n_stack_fixture,
    "fixture.n8n_stack_two_workers": n8n_stack_two_workers_fixture,
    "fixture.resilience_stack": resilience_stack,
    "fixture.n8n_tier_queue": tier_queue_stage,
}
