"""Shared pytest fixtures for the prioritizer tests: real Redis (DB 4), a real platform database."""

from __future__ import annotations

import itertools
import os

import pytest
import redis
from faker import Faker

from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.bull_jobs import SyntheticQueue
from masteryflow.testing.databases import DatabaseFactory
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.prioritizer import Prioritizer, PrioritizerSettings
from masteryflow.worker.tier_resolver import TierResolver

REDIS_URL = os.environ.get("MASTERYFLOW_PRIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
SERVER_URL = os.environ.get("MASTERYFLOW_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TIERS = ("free", "pro", "premium", "vip")
_queue_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def databases():
    factory = DatabaseFactory(SERVER_URL)
    yield factory
    factory.close()  # waits for the pending drops


@pytest.fixture
def platform(databases):
    database = databases.fresh("prio")
    yield database
    databases.discard(database)


@pytest.fixture
def projects(platform):
    """tier -> the n8n project id of a customer on that tier."""
    faker = Faker()
    faker.seed_instance(4)
    return {tier: create_user(platform.connection, faker, tier=tier)["n8n_project_id"] for tier in TIERS}


@pytest.fixture
def bull():
    """n8n's queue under a prefix of this test's own, on Redis DB 4 (strings, as the worker reads it)."""
    connection = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield BullQueue(connection, prefix=f"mf_prio_test_{os.getpid()}_{next(_queue_numbers)}")
    connection.close()


@pytest.fixture
def queue(bull):
    synthetic = SyntheticQueue(bull)
    yield synthetic
    synthetic.clear()


def make_prioritizer(bull, platform, aging_step_seconds=0.0, **settings) -> Prioritizer:
    resolver = TierResolver(platform.url, ttl_seconds=30)
    return Prioritizer(bull, resolver, PrioritizerSettings(aging_step_seconds=aging_step_seconds,
                                                           aging_check_seconds=0, **settings))
