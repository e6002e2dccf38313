"""Shared pytest fixtures for the execution and community rule tests, on databases of our own
(mf_exec_*) cloned from a migrated template with our own prefix and dropped afterwards: one shared
database whose changes each test rolls back, and a fresh one for tests that commit."""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timezone

import psycopg
import pytest
from faker import Faker
from psycopg.rows import dict_row

from masteryflow import db as platform_db
from masteryflow.testing import snapshots
from masteryflow.testing.refusals import attempt
from masteryflow.testing.rules import call

SERVER_URL = os.environ.get("MASTERYFLOW_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MARCH = datetime(2026, 3, 14, 10, tzinfo=timezone.utc)
_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def template():
    return platform_db.ensure_template(SERVER_URL, prefix="mf_exec_template")


def fresh_database(template: str):
    name = f"mf_exec_{os.getpid()}_{next(_database_numbers)}"
    return name, platform_db.create_database(SERVER_URL, name, template=template)


@pytest.fixture
def database(template):
    """(url, autocommit dict-row connection) of a fresh platform database, for tests that commit
    (several connections at once)."""
    name, url = fresh_database(template)
    connection = psycopg.connect(url, autocommit=True, row_factory=dict_row)
    yield url, connection
    connection.close()
    platform_db.drop_database(SERVER_URL, name)


@pytest.fixture(scope="session")
def shared_database(template):
    name, url = fresh_database(template)
    yield url
    platform_db.drop_database(SERVER_URL, name)


@pytest.fixture
def db(shared_database):
    """A connection to the shared database inside a transaction that is rolled back after the
    test: every test starts from the migrated, empty platform."""
    connection = psycopg.connect(shared_database, row_factory=dict_row)
    connection.execute("SELECT 1")  # opens the transaction: nested blocks below are savepoints
    yield connection
    connection.rollback()
    connection.close()


@pytest.fixture
def faker():
    seeded = Faker()
    seeded.seed_instance(2026)
    return seeded


def refusal_of(db, function_name: str, *args) -> str:
    """The refusal code of a call that must be refused, after checking it changed nothing."""
    before = snapshots.fingerprint(db)
    refusal = attempt(lambda: call_in_savepoint(db, function_name, *args))
    assert refusal is not None, f"{function_name}{args!r} was accepted"
    assert refusal.sentence.strip(), "a refusal needs a sentence a person can read"
    assert snapshots.differences(before, snapshots.fingerprint(db)) == []
    return refusal.code


def call_in_savepoint(db, function_name: str, *args):
    """A call that, when refused, leaves the test's transaction usable."""
    with db.transaction():
        return call(db, function_name, *args)
