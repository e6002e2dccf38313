"""`python -m masteryflow validate` from the outside: exit codes, plain messages, JSON, no tracebacks."""

import json
import os

import pytest
from hamcrest import assert_that, contains_string, equal_to, has_entries, not_, starts_with

from masteryflow import db
from masteryflow.services import free_port
from masteryflow.testing.seeded_databases import run_masteryflow
from validation_support import SERVER_URL, damaged, seeded  # noqa: F401


@pytest.fixture
def empty_database():
    name = f"mf_valid_{os.getpid()}_empty"
    db.drop_database(SERVER_URL, name)
    yield db.create_database(SERVER_URL, name)
    db.drop_database(SERVER_URL, name)


def test_unreachable_database_is_a_clear_message():
    finished = run_masteryflow("validate", "--database-url",
                               f"postgresql://postgres:s3cret-pw@127.0.0.1:{free_port()}/nowhere")
    assert_that(finished.returncode, equal_to(1))
    assert_that(finished.stderr, starts_with("error: cannot reach the database postgresql://postgres:***@127.0.0.1:"))
    assert_that(finished.stderr, not_(contains_string("s3cret-pw")))
    assert_that(finished.stderr, not_(contains_string("Traceback")))


def test_a_database_that_is_not_masteryflow_is_named_as_such(empty_database):
    finished = run_masteryflow("validate", "--database-url", empty_database)
    assert_that(finished.returncode, equal_to(1))
    assert_that(finished.stderr, contains_string("is not a MasteryFlow database"))
    assert_that(finished.stderr, not_(contains_string("Traceback")))


def test_bad_scale_is_refused_by_the_parser():
    finished = run_masteryflow("validate", "--scale", "-2")
    assert_that(finished.returncode, equal_to(2))
    assert_that(finished.stderr, contains_string("scale must be greater than 0"))


def test_generated_data_validates_with_exit_0_and_json(seeded):
    finished = run_masteryflow("validate", "--database-url", seeded.url, "--json")
    assert_that(finished.returncode, equal_to(0), finished.stdout[-2000:])
    report = json.loads(finished.stdout)
    assert_that(report, has_entries({"passed": True, "failed_checks": 0, "scale": 1.0}))


def test_text_report_names_the_failure_and_exits_1(damaged):
    damaged.execute("UPDATE workflows SET favorite_count = favorite_count + 5 WHERE id = (SELECT min(id) FROM workflows)")
    finished = run_masteryflow("validate", "--database-url", damaged.url)
    assert_that(finished.returncode, equal_to(1))
    assert_that(finished.stdout, contains_string(
        "FAIL workflow favorite counters match: 1 workflow(s) whose favorite count differs"))
    assert_that(finished.stdout, contains_string("FAILED ("))
