"""Steps about checking the local worker's connection to the VPS (`worker check`)."""

import parameter_types  # noqa: F401
import worker_types  # noqa: F401
from behave import given, then, when
from hamcrest import all_of, assert_that, contains_string, equal_to, is_not, less_than

from masteryflow.testing.worker_misconfiguration import run_worker_check
from masteryflow.testing.worker_runs import bound_stack


def worker_environment(context) -> dict:
    if not hasattr(context, "worker_environment"):
        context.worker_environment = {**bound_stack(context).environment, "MASTERYFLOW_DATABASE_URL": context.db_url}
    return context.worker_environment


@given("the local worker is configured with {problem:Misconfiguration}")
def step_misconfigured(context, problem):
    context.worker_environment = problem(worker_environment(context), context.add_cleanup)


@when("the operator checks the local worker's connection")
def step_check(context):
    context.check_run = run_worker_check(worker_environment(context))


@then("the check passes")
def step_check_passes(context):
    assert_that(context.check_run.exit_code, equal_to(0), context.check_run.output)


@then("the check confirms the queue, n8n's database, the encryption key and the platform's tables")
def step_check_confirms(context):
    assert_that(context.check_run.output, all_of(
        contains_string("Bull queue"), contains_string("connected, authenticated"),
        contains_string("N8N_ENCRYPTION_KEY decrypts a stored credential"),
        contains_string("all 16 tables present")))


@then("the check fails within {seconds:Count} seconds")
def step_check_fails_quickly(context, seconds):
    assert_that(context.check_run.exit_code, is_not(equal_to(0)), context.check_run.output)
    assert_that(context.check_run.seconds, less_than(seconds))


@then("the check explains {explanation:Text}")
def step_check_explains(context, explanation):
    assert_that(context.check_run.output, contains_string(explanation.strip('"')))
    assert_that(context.check_run.output, is_not(contains_string("Traceback")))


@then("the check shows no password and no encryption key")
def step_no_secret_shown(context):
    env = context.worker_environment
    secrets = [env[name] for name in ("N8N_ENCRYPTION_KEY", "DB_POSTGRESDB_PASSWORD", "QUEUE_BULL_REDIS_PASSWORD")
               if env.get(name)]
    for secret in secrets:
        assert_that(context.check_run.output, is_not(contains_string(secret)))
