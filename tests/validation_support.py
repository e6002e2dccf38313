"""Shared pytest fixtures for the validator tests: generated data once per session, a damaged copy per test.

Databases are named mf_valid_<pid>_* on the test server and dropped after.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
import pytest

from masteryflow.testing.seeded_databases import SeededDatabases
from masteryflow.validation.runner import validate

SERVER_URL = os.environ.get("MASTERYFLOW_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
GENERATED = pytest.StashKey()


@dataclass
class Generated:
    databases: SeededDatabases
    failing_as_generated: dict  # check name -> messages, on the data as the generator made it

    @property
    def url(self) -> str:
        return self.databases.url


@pytest.fixture(scope="session")
def seeded(request):
    """The generator's scale-1 data, seeded once per session (several test modules import this fixture)."""
    if GENERATED not in request.session.stash:
        databases = SeededDatabases(SERVER_URL, "mf_valid")
        request.session.stash[GENERATED] = Generated(databases, failing_checks(databases.create_base()))
    generated = request.session.stash[GENERATED]
    yield generated
    generated.databases.drop_base()


class Damaged:
    """A copy of the generated data that a test damages with SQL, then validates."""

    def __init__(self, generated: Generated):
        self.generated = generated
        self.name, self.url = generated.databases.clone()
        self.connection = psycopg.connect(self.url, autocommit=True)

    def execute(self, statement: str) -> int:
        return self.connection.execute(statement).rowcount

    def row(self, query: str) -> tuple:
        return self.connection.execute(query).fetchone()

    def newly_failing(self) -> dict:
        """Check name -> failing findings, for the checks that passed on the data as generated."""
        return {name: findings for name, findings in failing_checks(self.url).items()
                if name not in self.generated.failing_as_generated}

    def close(self) -> None:
        self.connection.close()
        self.generated.databases.drop(self.name)


@pytest.fixture
def damaged(seeded):
    copy = Damaged(seeded)
    yield copy
    copy.close()


def failing_checks(url: str) -> dict:
    """Check name -> the messages (with examples) of its failing findings."""
    return validate(url).failures()
