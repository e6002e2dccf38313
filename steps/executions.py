"""Steps about runs of workflows: admission, the queue, workers' reports, usage and run history."""

from dataclasses import dataclass

from parameter_types import one_of
from behave import given, register_type, then, when
from hamcrest import assert_that, contains_exactly, equal_to, has_entries, has_length

from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.builders.executions import record_past_runs, record_refused_run
from masteryflow.testing.cast import cast_of, meet
from masteryflow.testing.load import call_concurrently
from masteryflow.testing.rules import call
from masteryflow.testing.scene import current_listing, listing, next_moment

SIMULTANEOUS_CONNECTIONS = 16
RUN_STATUSES = ("success", "error", "timeout", "crashed")
ACCOUNT_STATES = ("active", "suspended", "deleted")


@dataclass(frozen=True)
class Verdict:
    status: str
    priority: int | None = None
    reason: str | None = None


def parse_verdict(text: str) -> Verdict:
    """'queued with priority 30' or 'refused: quota exceeded'."""
    if text.startswith("refused: "):
        return Verdict("refused", reason=text.removeprefix("refused: ").replace(" ", "_"))
    return Verdict("queued", priority=int(text.rsplit(" ", 1)[1]))


parse_verdict.pattern = r"queued with priority \d+|refused: [a-z]+(?: [a-z]+)*"


register_type(Verdict=parse_verdict, RunStatus=one_of(*RUN_STATUSES), AccountState=one_of(*ACCOUNT_STATES))


def latest_run(context, person: str) -> dict:
    return context.db.execute("SELECT * FROM executions WHERE user_id = %s ORDER BY id DESC LIMIT 1",
                              (meet(context, person)["id"],)).fetchone()


def runs_waiting(context, person: str) -> int:
    return context.db.execute("SELECT count(*) AS n FROM executions WHERE user_id = %s AND status = 'queued'",
                              (meet(context, person)["id"],)).fetchone()["n"]


def monthly_usage(context, person: str, month, metric: str) -> int:
    return context.db.execute("SELECT monthly_usage(%s, %s, %s) AS quantity",
                              (meet(context, person)["id"], month, metric)).fetchone()["quantity"]


def request_run(context, person: str, title: str, at):
    return call(context.db, "request_execution", meet(context, person)["id"], listing(context, title)["id"],
                "webhook", at)


# --- setting the scene ---------------------------------------------------------------------------

@given("{person:Person} is a {tier:Tier} customer whose account is {state:AccountState}")
def step_customer_in_state(context, person, tier, state):
    meet(context, person, tier=tier, status=state)


@given("{title:Title} has {runs:Count} runs on record, {failed:Count} of them failed")
def step_run_history(context, title, runs, failed):
    earlier_customer = create_user(context.db, context.faker)
    moment = next_moment(context)
    record_past_runs(context.db, earlier_customer["id"], listing(context, title)["id"], runs, failed=failed,
                     between=(moment.replace(day=1), moment))


@given("{person:Person} has run {title:Title}")
def step_has_run(context, person, title):
    moment = next_moment(context)
    record_past_runs(context.db, meet(context, person)["id"], listing(context, title)["id"], 1,
                     between=(moment, moment))


@given("{person:Person} only had a refused run of {title:Title}")
def step_only_refused_run(context, person, title):
    record_refused_run(context.db, meet(context, person)["id"], listing(context, title)["id"],
                       at=next_moment(context))


# --- actions -------------------------------------------------------------------------------------

@when("{person:Person} runs {title:Title}")
def step_run(context, person, title):
    request_run(context, person, title, next_moment(context))


@when("{person:Person} runs {title:Title} on {day:Date}")
def step_run_on(context, person, title, day):
    request_run(context, person, title, cast_of(context).at(day))


@when("{person:Person}'s automations send {requests:Count} run requests for {title:Title} at the same moment")
def step_simultaneous_requests(context, person, requests, title):
    arguments = (meet(context, person)["id"], listing(context, title)["id"], "webhook", next_moment(context))
    context.simultaneous_runs = call_concurrently(context.db_url, "request_execution", [arguments] * requests,
                                                  connections=SIMULTANEOUS_CONNECTIONS)


@when("a worker starts {person:Person}'s run")
def step_worker_starts(context, person):
    run = latest_run(context, person)
    call(context.db, "start_execution", run["id"], f"n8n-{run['id']}", "worker-1", run["requested_at"])


@when("the worker reports after {elapsed:Duration} that the run succeeded")
def step_worker_reports_success(context, elapsed):
    run = latest_started_run(context)
    call(context.db, "finish_execution", run["id"], "success", run["started_at"] + elapsed)


@when("the worker reports after {elapsed:Duration} that the run failed at node {node:Text} with {message:Text}")
def step_worker_reports_error(context, elapsed, node, message):
    run = latest_started_run(context)
    call(context.db, "finish_execution", run["id"], "error", run["started_at"] + elapsed, message, node)


def latest_started_run(context) -> dict:
    return context.db.execute("SELECT * FROM executions WHERE started_at IS NOT NULL "
                              "ORDER BY started_at DESC, id DESC LIMIT 1").fetchone()


# --- outcomes ------------------------------------------------------------------------------------

@then("{person:Person}'s run is {verdict:Verdict}")
def step_run_verdict(context, person, verdict):
    assert_that(latest_run(context, person),
                has_entries(status=verdict.status, refusal_reason=verdict.reason,
                            **({"queue_priority": verdict.priority} if verdict.priority else {})))


@then("none of {person:Person}'s runs is waiting in the queue")
def step_nothing_waiting(context, person):
    assert_that(runs_waiting(context, person), equal_to(0))


@then("{count:Count} of {person:Person}'s runs are waiting in the queue")
def step_runs_waiting(context, count, person):
    assert_that(runs_waiting(context, person), equal_to(count))


@then("the activity feed records {person:Person}'s refused run of {title:Title}: {reason:Reason}")
def step_refusal_logged(context, person, title, reason):
    run = latest_run(context, person)
    logged = context.db.execute("SELECT * FROM activities WHERE subject_type = 'execution' AND subject_id = %s",
                                (run["id"],)).fetchall()
    assert_that(logged, contains_exactly(has_entries(
        action="execution_refused", actor_id=run["user_id"],
        details=has_entries(reason=reason, workflow_id=listing(context, title)["id"]))))


@then("{person:Person}'s usage in {month:Month} is {runs:Count} runs")
@then("{person:Person}'s usage in {month:Month} is {runs:Count} run")
def step_usage(context, person, month, runs):
    assert_that(monthly_usage(context, person, month, "executions"), equal_to(runs))


@then("{person:Person}'s run time in {month:Month} is {elapsed:Duration}")
def step_run_time(context, person, month, elapsed):
    assert_that(monthly_usage(context, person, month, "execution_seconds"), equal_to(elapsed.total_seconds()))


@then("{person:Person}'s run has ended in {status:RunStatus} after {elapsed:Duration}")
def step_run_ended(context, person, status, elapsed):
    run = latest_run(context, person)
    assert_that(run, has_entries(status=status, duration_ms=elapsed.total_seconds() * 1000,
                                 finished_at=run["started_at"] + elapsed))


@then("{person:Person}'s run keeps the error {message:Text} at node {node:Text}")
def step_run_error(context, person, message, node):
    assert_that(latest_run(context, person), has_entries(error_message=message, failed_node=node))


@then("{title:Title} has {runs:Count} runs on record, {failed:Count} of them failed")
def step_workflow_counters(context, title, runs, failed):
    assert_that(current_listing(context, title), has_entries(execution_count=runs, error_count=failed))


@then("the error count of {title:Title} is {failed:Count}")
def step_workflow_errors(context, title, failed):
    assert_that(current_listing(context, title), has_entries(error_count=failed))


@then("exactly {admitted:Count} of the requests are queued and the other {refused:Count} are refused: {reason:Reason}")
def step_simultaneous_verdicts(context, admitted, refused, reason):
    verdicts = [(run["status"], run["refusal_reason"]) for run in context.simultaneous_runs]
    assert_that(verdicts.count(("queued", None)), equal_to(admitted))
    assert_that(verdicts.count(("refused", reason)), equal_to(refused))
    assert_that(verdicts, has_length(admitted + refused))
