"""Steps about loading mock data into scratch databases when things go wrong: connections cut in
the middle of a load, mistyped options, databases not meant for mock data (features/resilience).
Each fault step publishes what it measured."""

import shutil
import tempfile

import psycopg
from behave import given, then, when
from hamcrest import all_of, assert_that, contains_string, equal_to, greater_than, is_not

from masteryflow.testing.commands import run_masteryflow
from masteryflow.testing.faults import BackendTerminator
from masteryflow.testing.measures import publish_measure
from masteryflow.testing.snapshots import differences, fingerprint_of

SEED_SCALE = "1"
SPARED_COPIES = 5  # of the 15 tables a load copies
EXIT_REFUSED = 3  # `seed`'s exit code when its safety guard refuses the target


def scratch_database(context, purpose: str = "res"):
    database = context.databases.fresh(purpose)
    context.add_cleanup(context.databases.discard, database)
    context.scratch = database
    return database


def load_mock_data(context, seed: int | str = 1, *options: str):
    """`seed` with the given options (later ones win) into the scratch database."""
    out = tempfile.mkdtemp(prefix="mf-res-seed-")
    context.add_cleanup(shutil.rmtree, out, True)
    return run_masteryflow("seed", "--seed", str(seed), "--scale", SEED_SCALE, "--out", out, "--quiet",
                           "--database-url", context.scratch.url, *options)


def load_while_cutting_connections(context, seed: int):
    # cut half way: only after several tables were copied, so a load that is not one
    # transaction would leave them behind
    with BackendTerminator(context.scratch.url, statement_like="COPY%", spare_statements=SPARED_COPIES) as cutter:
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


@given('a scratch database whose name contains "{word}"')
def step_scratch_database_named(context, word):
    scratch_database(context, purpose=f"res_{word}")
    context.before = fingerprint_of(context.scratch.url)


@given("a scratch database holding a real customer's account")
def step_scratch_database_with_customer(context):
    scratch_database(context)
    with psycopg.connect(context.scratch.url) as conn:
        conn.execute("SELECT sign_up('ada@customer.example', 'Ada Real', 'GB')")
    context.before = fingerprint_of(context.scratch.url)


# --- loading -----------------------------------------------------------------------------------

@when('the operator loads mock data with the {option} "{value}"')
def step_load_with_option(context, option, value):
    flags = {"scale": "--scale", "seed": "--seed", "output folder": "--out"}
    context.load = load_mock_data(context, 1, flags[option], value)


@when("the operator loads mock data into it")
def step_load_into_it(context):
    context.load = load_mock_data(context)


@when("the operator loads mock data into it, forcing it")
def step_load_forced(context):
    context.load = load_mock_data(context, 1, "--force")


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


@then('the operator is told "{explanation}"')
def step_told(context, explanation):
    load = context.load
    assert_that(load.exit_code, is_not(equal_to(0)))
    assert_that(load.shows_a_stack_trace(), equal_to(False), load.output)
    assert_that(load.stderr, contains_string(explanation))


@then("the load is refused, saying the database {reason}")
def step_refused(context, reason):
    sentences = {"looks like production": "looks like production",
                 "holds data the seeder did not create": "holds data the seeder did not create"}
    assert_that(context.load.exit_code, equal_to(EXIT_REFUSED), context.load.output)
    assert_that(context.load.stderr, all_of(contains_string(sentences[reason]), contains_string("--force")))


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
