"""Shared pytest fixtures for the validator tests: a seeded database per session, a damaged copy per test.

Databases are named mf_valid_<pid>_* on the test server and dropped after.
"""

from __future__ import annotations

import os

import psycopg
import pytest

from masteryflow.testing.seeded_databases import SeededDatabases
from masteryflow.validation.runner import validate

SERVER_URL = os.environ.get("MASTERYFLOW_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def seeded():
    """The generator's scale-1 data, and the names of the checks that fail on it as generated."""
    databases = SeededDatabases(SERVER_URL, "mf_valid")
    url = databases.create_base()
    databases.failing_as_generated = failing_checks(url)
    yield databases
    databases.drop_base()


class Damaged:
    """A copy of the seeded data that a test damages with SQL, then validates."""

    def __init__(self, seeded: SeededDatabases):
        self.seeded = seeded
        self.name, self.url = seeded.clone()
        self.connection = psycopg.connect(self.url, autocommit=True)

    def execute(self, statement: str) -> int:
        return self.connection.execute(statement).rowcount

    def row(self, query: str) -> tuple:
        return self.connection.execute(query).fetchone()

    def newly_failing(self) -> dict:
        """Check name -> failing findings, for the checks that passed before the damage."""
        return {name: findings for name, findings in failing_checks(self.url).items()
                if name not in self.seeded.failing_as_generated}

    def close(self) -> None:
        self.connection.close()
        self.seeded.drop(self.name)


@pytest.fixture
def damaged(seeded):
    copy = Damaged(seeded)
    yield copy
    copy.close()


def failing_checks(url: str) -> dict:
    """Check name -> the messages (with examples) of its failing findings."""
    validation = validate(url)
    return {result.name: [" ".join([finding.message, *finding.examples]) for finding in result.findings
                          if not (finding.passed or finding.skipped)]
            for result in validation.results if not result.passed}
