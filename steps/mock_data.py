"""Steps about generated mock data and its validation (features/data).

The mock data itself comes from the @fixture.seeded_database fixture (context.mock_data).
"""

import filecmp
import shutil
import tempfile
from pathlib import Path

import parameter_types  # noqa: F401
import psycopg
from behave import given, register_type, then, when
from hamcrest import (assert_that, contains_string, empty, equal_to, greater_than_or_equal_to, has_item, has_length,
                      is_not)

from masteryflow.testing import damage
from masteryflow.testing.seeded_databases import generate_files
from masteryflow.validation import scenarios, volumes
from masteryflow.validation.findings import Probe
from masteryflow.validation.runner import validate

# What the product owner calls a kind of record -> where the platform keeps it.
RECORD_KINDS = {"users": "users", "workflows": "workflows", "orders": "orders", "runs": "executions",
                "comments": "comments", "ratings": "ratings"}


def parse_record_kind(text: str) -> str:
    return RECORD_KINDS[text]


parse_record_kind.pattern = "|".join(RECORD_KINDS)


def parse_scenario(text: str) -> scenarios.Scenario:
    return next(scenario for scenario in scenarios.SCENARIOS if scenario.code == text)


parse_scenario.pattern = "|".join(scenario.code for scenario in scenarios.SCENARIOS)

register_type(RecordKind=parse_record_kind, ScenarioCode=parse_scenario)


def row_counts(url: str) -> dict:
    with psycopg.connect(url, autocommit=True) as connection:
        return volumes.count_rows(Probe(connection, scale=1.0))


# --- volumes ------------------------------------------------------------------------------

@then("the mock data holds exactly {count:Count} {kind:RecordKind}")
@then("it holds exactly {count:Count} {kind:RecordKind}")
def step_holds_exactly(context, count, kind):
    assert_that(row_counts(context.mock_data.url)[kind], equal_to(count))


@then("it holds at least {count:Count} records, with some of every one of the 16 kinds")
def step_holds_at_least(context, count):
    counts = row_counts(context.mock_data.url)
    assert_that(counts, has_length(16))
    assert_that(sum(counts.values()), greater_than_or_equal_to(count))
    assert_that([kind for kind, rows in counts.items() if rows == 0], empty())


@then("exactly {count:Count} users are on {tier:Tier}")
def step_users_on_tier(context, count, tier):
    with psycopg.connect(context.mock_data.url) as connection:
        on_tier = connection.execute("SELECT count(*) FROM users WHERE tier = %s", (tier,)).fetchone()[0]
    assert_that(on_tier, equal_to(count))


# --- validation of the mock data ----------------------------------------------------------

@when("the mock data is validated")
def step_validate_mock_data(context):
    context.validation = validate(context.mock_data.url)


@then("every reference points at something that exists")
def step_references_exist(context):
    assert_that(context.validation.failures(lambda r: r.name.startswith("foreign key")), equal_to({}))


@then("nothing that must be unique appears twice")
def step_unique_values(context):
    assert_that(context.validation.failures(lambda r: r.name.startswith("unique")), equal_to({}))


@then("every history happens in order: sign-up, order, payment, run, rating")
def step_histories_in_order(context):
    assert_that(context.validation.failures(lambda r: r.concern == "causality"), equal_to({}))


@then("every user's money ledger balances")
def step_ledger_balances(context):
    assert_that(context.validation.failures(lambda r: r.concern == "ledger"), equal_to({}))


@then("the business rules hold for accounts, runs and the community")
def step_business_rules_hold(context):
    assert_that(context.validation.failures(lambda r: r.concern.startswith("rules")), equal_to({}))


@then("the validator reports that everything holds")
def step_everything_holds(context):
    assert_that(context.validation.failures(), equal_to({}))
    assert_that(context.validation.passed, equal_to(True))


# --- determinism --------------------------------------------------------------------------

@when("mock data is generated twice with seed {seed:Count} at scale {scale:Count}")
def step_generate_twice(context, seed, scale):
    context.generated = []
    for _ in range(2):
        out_dir = Path(tempfile.mkdtemp(prefix="mf-valid-determinism-"))
        context.add_cleanup(shutil.rmtree, out_dir)
        generate_files(seed, scale, out_dir)
        context.generated.append(out_dir)
    context.seed = seed


@then("both generations wrote the same files, byte for byte")
def step_same_files(context):
    first, second = context.generated
    names = sorted(path.name for path in first.iterdir())
    assert_that(names, is_not(empty()))
    assert_that(sorted(path.name for path in second.iterdir()), equal_to(names))
    _, different, unreadable = filecmp.cmpfiles(first, second, names, shallow=False)
    assert_that(different + unreadable, equal_to([]))


@then("a manifest names the seed and a checksum for every file")
def step_manifest(context):
    first = context.generated[0]
    manifests = [path for path in first.iterdir() if path.name.startswith("manifest")]
    assert_that(manifests, has_length(1))
    text = manifests[0].read_text()
    assert_that(text, contains_string(str(context.seed)))
    for data_file in (path for path in first.iterdir() if path.suffix == ".sql"):
        assert_that(text, contains_string(data_file.name))


# --- scenario coverage --------------------------------------------------------------------

@then("the mock data shows at least {count:Count} histories of scenario {scenario:ScenarioCode}")
def step_scenario_histories(context, count, scenario):
    with psycopg.connect(context.mock_data.url, autocommit=True) as connection:
        histories, examples = Probe(connection, scale=1.0).violations(scenario.query)
    assert_that(histories, greater_than_or_equal_to(count),
                f"{scenario.code} {scenario.title}: a history is {scenario.history}")


# --- the validator catches damage ---------------------------------------------------------

@given("a copy of the mock data whose runs are no longer tied to their users by the database")
def step_copy_without_guard(context):
    name, context.copy_url = context.mock_data.clone()
    context.add_cleanup(context.mock_data.drop, name)
    with psycopg.connect(context.copy_url, autocommit=True) as connection:
        damage.drop_foreign_key(connection, "executions", "user_id")


@given("one run in the copy belongs to a user who does not exist")
def step_orphan_run(context):
    with psycopg.connect(context.copy_url, autocommit=True) as connection:
        damage.point_at_nothing(connection, "executions", "user_id")


@when("the copy is validated")
def step_validate_copy(context):
    context.validation = validate(context.copy_url)


@then("the validation fails")
def step_validation_fails(context):
    assert_that(context.validation.passed, equal_to(False))


@then("the report says {count:Count} run points at a user who does not exist")
def step_report_names_orphan(context, count):
    orphan_runs = context.validation.failures().get("foreign key executions(user_id) -> users(id)", [])
    assert_that(orphan_runs, has_item(
        contains_string(f"{count} executions row(s) point at a users row that does not exist")))


@then("the original mock data still validates")
def step_original_still_valid(context):
    assert_that(validate(context.mock_data.url).passed, equal_to(True))
