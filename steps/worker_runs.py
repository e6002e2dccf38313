"""Steps about customers' runs executing on the real local n8n worker and their platform record."""

import parameter_types  # noqa: F401
import worker_types  # noqa: F401
from behave import then, when
from hamcrest import (assert_that, equal_to, greater_than_or_equal_to, has_entries, is_in, is_not, none,
                      starts_with)

from masteryflow.services import wait_until
from masteryflow.testing.cast import cast_of
from masteryflow.testing.scene import listing
from masteryflow.testing.worker_runs import bound_stack, link_listing_to_n8n, recorded_run, run_through_webhook


@when("{person:Person} runs {title:TestWorkflow} through its webhook")
def step_run_through_webhook(context, person, title):
    workflow = listing(context, title)
    link_listing_to_n8n(context.db, workflow["id"], title)
    customer = cast_of(context).people[person]
    context.worker_run, context.webhook_answer = run_through_webhook(context, customer["id"], workflow["id"], title)


@then("{person:Person} gets the workflow's answer")
def step_gets_answer(context, person):
    assert_that(context.webhook_answer.status_code, equal_to(200), context.webhook_answer.text)


@then("{person:Person} is told the run failed")
def step_told_failed(context, person):
    assert_that(context.webhook_answer.status_code, greater_than_or_equal_to(500))


@then("the platform records {person:Person}'s run as succeeded on a local worker")
def step_recorded_success(context, person):
    run = recorded_run(context.db, context.worker_run["id"])
    assert_that(run, has_entries(status="success", n8n_execution_id=is_not(none())))
    assert_that(run["worker_id"], is_in(list(bound_stack(context).side.supervisor.workers)))
    assert_that(n8n_status(context, run["n8n_execution_id"]), equal_to("success"))
    answer = context.webhook_answer.json()
    if "executionId" in answer:
        assert_that(answer["executionId"], equal_to(run["n8n_execution_id"]))


@then("the platform records {person:Person}'s run as failed at {node:Text} with {message:Text}")
def step_recorded_failure(context, person, node, message):
    run = recorded_run(context.db, context.worker_run["id"])
    assert_that(run, has_entries(status="error", failed_node=node.strip('"')))
    assert_that(run["error_message"], starts_with(message.strip('"')))  # n8n may append "[line 1]"
    assert_that(run["worker_id"], is_in(list(bound_stack(context).side.supervisor.workers)))
    assert_that(n8n_status(context, run["n8n_execution_id"]), equal_to("error"))


@then("{person:Person}'s recorded run lasted at least {seconds:Count} second")
def step_run_lasted(context, person, seconds):
    run = recorded_run(context.db, context.worker_run["id"])
    assert_that(run["duration_ms"], greater_than_or_equal_to(seconds * 1000))


@then("within {seconds:Count} seconds the local worker's samples count {completed:Count} completed and "
      "{failed:Count} failed run")
def step_samples_count_runs(context, seconds, completed, failed):
    def counted():
        row = context.db.execute("SELECT coalesce(sum(jobs_completed), 0) AS completed, "
                                 "coalesce(sum(jobs_failed), 0) AS failed FROM worker_performance_logs").fetchone()
        context.counted_runs = (row["completed"], row["failed"])
        return context.counted_runs == (completed, failed)

    try:
        wait_until(counted, "performance samples counting the runs", timeout=seconds)
    except TimeoutError:
        raise AssertionError(f"samples count {context.counted_runs} (completed, failed), "
                             f"expected {(completed, failed)}") from None


def n8n_status(context, n8n_execution_id: str) -> str:
    with bound_stack(context).n8n_database() as n8n:
        return n8n.execute("SELECT status FROM execution_entity WHERE id = %s", (int(n8n_execution_id),)).fetchone()[0]
