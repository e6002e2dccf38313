"""Fixtures selected by tags (@fixture.<name>) in feature files.

A fixture is a generator function taking behave's context: set-up before `yield`,
clean-up after. Areas add theirs to FIXTURE_REGISTRY.
"""

FIXTURE_REGISTRY: dict = {}
