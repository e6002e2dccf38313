"""Steps about faults injected into real services: lost database connections, killed workers,
a restarted queue, bursts of work (features/resilience). Each fault step records what it
measured, printed and attached to the HTML report."""

import json
import sys
import tempfile
import time

import psycopg
from behave import given, then, when
from hamcrest import assert_that, contains_string, equal_to, greater_than, is_not

from masteryflow.testing.commands import run_masteryflow
from masteryflow.testing.faults import BackendTerminator
from masteryflow.testing.snapshots import differences, fingerprint_of

SEED_SCALE = "1"


def publish_measure(context, text: str) -> None:
    """A measured figure: on the console, in the HTML report, and in reports/resilience.jsonl."""
    print(f"measured: {text}", file=sys.stderr, flush=True)
    for formatter in getattr(context._runner, "formatters", []):
        if hasattr(formatter, "embed"):
            formatter.embed("text/plain", text, caption="measured")
    with open("reports/resilience.jsonl", "a") as log:
        log.write(json.dumps({"scenario": context.scenario.name, "measured": text, "at": time.time()}) + "\n")


def scratch_database(context):
    database = context.databases.fresh("res")
    context.add_cleanup(context.databases.discard, database)
    context.scratch = database
    return database


def load_mock_data(context, seed: int):
    out = tempfile.mkdtemp(prefix="mf-res-seed-")
    return run_masteryflow("seed", "--seed", str(seed), "--scale", SEED_SCALE, "--out", out, "--quiet",
                           "--database-url", context.scratch.url)


def load_while_cutting_connections(context, seed: int):
    with BackendTerminator(context.scratch.url, statement_like="COPY%") as cutter:  # cut in the middle of the load
        context.load = load_mock_data(context, seed)
    context.cutter = cutter
    publish_measure(context, f"{cutter.terminated} connection(s) cut, the first {cutter.first_cut_after or 0:.2f} s "
                             f"after the start; the operator had an answer after {context.load.seconds:.2f} s")


# --- the database before -----------------------------------------------------------------------

@given("a scratch database with the platform's tables and no data")
def step_scratch_database(context):
    scratch_database(context)
    context.before = fingerprint_of(context.scratch.url)


@given("a scratch database holding mock data from seed {seed:d}")
def step_scratch_database_with_mock_data(context, seed):
    scratch_database(context)
    loaded = load_mock_data(context, seed)
    assert_that(loaded.exit_code, equal_to(0), loaded.output)
    context.before = fingerprint_of(context.scratch.url)


@given("a load of mock data from seed {seed:d} was cut off half way")
def step_load_was_cut_off(context, seed):
    load_while_cutting_connections(context, seed)
    assert_that(context.load.exit_code, is_not(equal_to(0)), context.load.output)


# --- loading -----------------------------------------------------------------------------------

@when("mock data from seed {seed:d} is loaded while the database keeps cutting the loader off")
def step_load_while_cut_off(context, seed):
    load_while_cutting_connections(context, seed)


@when("mock data from seed {seed:d} is loaded")
def step_load(context, seed):
    context.load = load_mock_data(context, seed)


# --- outcomes ----------------------------------------------------------------------------------

@then("the operator is told that the load failed and nothing was changed")
def step_told_load_failed(context):
    load = context.load
    assert_that(context.cutter.terminated, greater_than(0))  # the fault really happened
    assert_that(load.exit_code, is_not(equal_to(0)))
    assert_that(load.shows_a_stack_trace(), equal_to(False), load.output)
    lines = [line for line in load.stderr.splitlines() if line.strip()]
    assert_that(len(lines), equal_to(1), load.stderr)
    assert_that(lines[0], contains_string("nothing was changed"))


@then("the scratch database holds exactly what it held before")
def step_database_unchanged(context):
    assert_that(differences(context.before, fingerprint_of(context.scratch.url)), equal_to([]))


@then("the load succeeds")
def step_load_succeeds(context):
    assert_that(context.load.exit_code, equal_to(0), context.load.output)


@then("the scratch database holds the mock data from seed {seed:d}")
def step_holds_seed(context, seed):
    with psycopg.connect(context.scratch.url) as conn:
        last_seed, counts = conn.execute("SELECT seed, row_counts FROM meta.seed_loads ORDER BY id DESC LIMIT 1"
                                         ).fetchone()
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    assert_that(last_seed, equal_to(seed))
    assert_that(users, equal_to(counts["users"]))
    assert_that(differences(context.before, fingerprint_of(context.scratch.url)), is_not(equal_to([])))
