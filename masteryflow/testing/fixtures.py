"""Fixtures selected by tags (@fixture.<name>) in feature files.

A fixture is a generator function taking behave's context: set-up before `yield`,
clean-up after. Areas add theirs to FIXTURE_REGISTRY.
"""

from masteryflow.testing.seeded_databases import seeded_database

FIXTURE_REGISTRY: dict = {
    "fixture.seeded_database": seeded_database,
}
