"""Malformed jobs on n8n's Bull queue (any bytes as data, wrong field types, dangling ids, keys
of the wrong Redis type) are set aside and logged: the prioritizer never crashes, keeps placing
the well-formed jobs by tier, and never drops a job from the queue."""

from __future__ import annotations

import itertools
import json
import os

import pytest
import redis
from faker import Faker
from hamcrest import assert_that, equal_to, has_items, is_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.bull_jobs import SyntheticQueue
from masteryflow.testing.databases import DatabaseFactory
from masteryflow.worker.prioritizer import Prioritizer, PrioritizerSettings
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.tier_resolver import TierResolver

REDIS_URL = os.environ.get("MASTERYFLOW_RES_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
SERVER_URL = os.environ.get("MASTERYFLOW_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
_prefixes = itertools.count(1)

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=8)
bad_data = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.one_of(st.integers(), st.lists(st.text(), max_size=2), st.none(), st.just(""), st.booleans())
      .map(lambda p: json.dumps({"workflowId": "1", "projectId": p}).encode()),
)
garbage_field = st.one_of(st.text(max_size=12), st.sampled_from(["-5", "1e309", "NaN", "", "50.5", "9" * 40]))

# each kind: (name, how to break a freshly added job)
malformations = st.one_of(
    st.tuples(st.just("data"), bad_data),
    st.tuples(st.just("priority field"), garbage_field),
    st.tuples(st.just("timestamp field"), garbage_field),
    st.tuples(st.just("job hash missing"), st.none()),
    st.tuples(st.just("job key is a string"), st.binary(max_size=20)),
    st.tuples(st.just("odd job id"), st.text(min_size=1, max_size=10).filter(lambda s: ":" not in s)),
)


@pytest.fixture(scope="module")
def platform():
    databases = DatabaseFactory(SERVER_URL)
    database = databases.fresh("res_queue")
    yield database
    databases.discard(database)


@pytest.fixture(scope="module")
def projects(platform):
    faker = Faker()
    faker.seed_instance(5)
    return {tier: create_user(platform.connection, faker, tier=tier)["n8n_project_id"] for tier in ("free", "vip")}


@pytest.fixture(scope="module")
def client():
    connection = redis.Redis.from_url(REDIS_URL)
    yield connection
    connection.close()


def break_job(queue: SyntheticQueue, kind: str, value) -> str:
    """Add a job and break it the given way; return the id that is now in the wait list."""
    if kind == "odd job id":
        queue.client.rpush(queue.queue.wait_key, value)
        queue.client.zadd(queue.queue.priority_key, {value: 50})
        return value
    job_id = queue.add(None, raw_data="{}")
    key = queue.queue.job_key(job_id)
    if kind == "data":
        queue.client.hset(key, "data", value)
    elif kind == "priority field":
        queue.client.hset(key, "priority", value)
    elif kind == "timestamp field":
        queue.client.hset(key, "timestamp", value)
    elif kind == "job hash missing":
        queue.client.delete(key)
    elif kind == "job key is a string":
        queue.client.delete(key)
        queue.client.set(key, value)
    return job_id


@given(broken=st.lists(malformations, min_size=1, max_size=4))
@settings(max_examples=int(os.environ.get("MASTERYFLOW_BAD_INPUT_EXAMPLES", "40")), deadline=None,
          suppress_health_check=list(HealthCheck), database=None)
def test_malformed_jobs_never_stop_the_prioritizer_nor_get_lost(platform, projects, client, broken):
    bull = BullQueue(client, prefix=f"mf_res_badq_{os.getpid()}_{next(_prefixes)}")
    queue = SyntheticQueue(bull)
    resolver = TierResolver(platform.url, ttl_seconds=30)
    try:
        free = queue.add(projects["free"])
        bad_ids = [break_job(queue, kind, value) for kind, value in broken]
        vip = queue.add(projects["vip"])
        prioritizer = Prioritizer(bull, resolver, PrioritizerSettings(aging_step_seconds=0, aging_check_seconds=0))
        worked = [prioritizer.run_pass_safely() for _ in range(3)]
        order = queue.run_order()
        assert_that(worked[-1], equal_to(True))
        assert_that(order.index(vip) < order.index(free), equal_to(True))  # well-formed jobs placed by tier
        assert_that(order, has_items(*[str(i) for i in bad_ids]))          # nothing dropped
        for job_id in (vip, free):
            assert_that(job_id, is_in(queue.priorities()))
    finally:
        resolver.close()
        queue.clear()
