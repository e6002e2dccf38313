"""Steps about runs waiting in the local worker's queue: tiers, the prioritizer, start order, aging."""

import time

import parameter_types  # noqa: F401
from behave import given, register_type, then, when
from hamcrest import (assert_that, contains_exactly, equal_to, only_contains, greater_than,
                      greater_than_or_equal_to, less_than_or_equal_to)

from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.tier_queue_runs import request_stream, start_prioritizer
from masteryflow.worker.queue import QueueCounts
from masteryflow.worker.queue_order import N8N_WEBHOOK_PRIORITY

PLACEMENT_AND_AGING_CHECK_SECONDS = 0.5  # a poll interval plus the aging check interval, rounded up


def parse_tiers(text: str) -> list[str]:
    return [parameter_types.parse_tier(tier) for tier in text.split(",")]


parse_tiers.pattern = r"(?i:(?:free|pro|premium|vip)(?:, (?:free|pro|premium|vip))*)"
register_type(Tiers=parse_tiers)


def started_runs(context, runs):
    """Each run's n8n execution record, with the tier of the platform user owning its project
    (once every run has been answered, that is, has finished)."""
    execution_ids = [run.execution_id() for run in runs]
    executions = {e["execution_id"]: e for e in context.tier_queue.executions()}
    tier_of_project = {row["n8n_project_id"]: row["tier"] for row in context.db.execute(
        "SELECT n8n_project_id, tier FROM users WHERE n8n_project_id IS NOT NULL")}
    records = []
    for run, execution_id in zip(runs, execution_ids):
        execution = executions[execution_id]
        records.append({**execution, "tier": tier_of_project.get(execution["project_id"]), "run": run,
                        "accepted": int(execution_id)})  # n8n numbers executions as it queues them
    return records


@given("a customer on each tier, each with a workflow in their own n8n project")
def customers_with_projects(context):
    stage = context.tier_queue
    for tier, project_id in stage.projects.items():
        user = create_user(context.db, context.faker, tier=tier)
        context.db.execute("UPDATE users SET n8n_project_id = %s WHERE id = %s", (project_id, user["id"]))
    context.requested_runs = []


@given("one local worker that runs one execution at a time")
def one_worker(context):
    if not any(worker.is_running() for worker in context.tier_queue.workers):
        context.tier_queue.start_worker(concurrency=1)


@given("the tier prioritizer is running without aging")
def prioritizer_without_aging(context):
    context.prioritizer = start_prioritizer(context.tier_queue, context.db_url, aging_step_seconds=0)
    context.add_cleanup(context.prioritizer.stop)


@given("the tier prioritizer is running with an aging step of {seconds:Count} second")
@given("the tier prioritizer is running with an aging step of {seconds:Count} seconds")
def prioritizer_with_aging(context, seconds):
    context.prioritizer = start_prioritizer(context.tier_queue, context.db_url, aging_step_seconds=seconds)
    context.add_cleanup(context.prioritizer.stop)


@given("the aging bound of a {tier:Tier} run is {seconds:Count} seconds")
def aging_bound(context, tier, seconds):
    policy = context.prioritizer.prioritizer.policy()
    context.aging_bound = policy.aging_bound_seconds(tier, N8N_WEBHOOK_PRIORITY)
    assert_that(context.aging_bound, equal_to(seconds))


@given("the worker is busy with a {seconds:Count} second run")
def worker_busy(context, seconds):
    stage = context.tier_queue
    context.requested_runs.append(stage.request_run("free", seconds))
    stage.wait_for(lambda: stage.queue.counts() == QueueCounts(waiting=0, active=1), "the worker busy")


@when("customers request runs in this order: {tiers:Tiers}")
def request_runs(context, tiers):
    context.ordered_runs = []
    for tier in tiers:
        context.ordered_runs.append(context.tier_queue.request_run(tier, 1))
        time.sleep(0.15)  # one at a time, so n8n queues them in this order
    context.requested_runs += context.ordered_runs


@when("{tier:Tier} customers request a {seconds:Count} second run every half second for {duration:Count} seconds")
def request_stream_of_runs(context, tier, seconds, duration):
    context.stream = request_stream(context.tier_queue, tier, seconds, every=0.5, duration=duration)


@when("a {tier:Tier} customer requests a run {offset:Count} seconds into that stream")
def request_run_during_stream(context, tier, offset):
    time.sleep(max(0.0, context.stream.started_at + offset - time.time()))
    context.lone_run = context.tier_queue.request_run(tier, 1)
    context.requested_runs += [context.lone_run, *context.stream.join()]


@then("every requested run finishes successfully")
def all_runs_succeed(context):
    records = started_runs(context, context.requested_runs)
    assert_that([r["status"] for r in records], only_contains(equal_to("success")))
    assert_that(len(records), greater_than(0))


@then("the waiting runs started in this order: {tiers:Tiers}")
def start_order(context, tiers):
    records = sorted(started_runs(context, context.ordered_runs), key=lambda r: r["started_at"])
    assert_that([r["tier"] for r in records], contains_exactly(*tiers))


@then("runs of the same tier started in the order they were requested")
def fifo_within_tier(context):
    records = sorted(started_runs(context, context.ordered_runs), key=lambda r: r["started_at"])
    for tier in {r["tier"] for r in records}:
        accepted = [r["accepted"] for r in records if r["tier"] == tier]
        assert_that(accepted, equal_to(sorted(accepted)))


@then("the {tier:Tier} run starts within the aging bound plus the length of one run")
def starts_within_bound(context, tier):
    lone, *stream = started_runs(context, [context.lone_run, *context.stream.runs])
    assert_that(lone["tier"], equal_to(tier))
    longest_run = max((r["stopped_at"] - r["started_at"]).total_seconds() for r in stream)
    waited = lone["started_at"].timestamp() - lone["run"].requested_at
    assert_that(waited, less_than_or_equal_to(context.aging_bound + longest_run + PLACEMENT_AND_AGING_CHECK_SECONDS))


@then("{tier:Tier} runs requested after the {other:Tier} run were still waiting when it started")
def overtaken_runs(context, tier, other):
    lone, *stream = started_runs(context, [context.lone_run, *context.stream.runs])
    overtaken = [r for r in stream if r["accepted"] > lone["accepted"]
                 and r["started_at"] > lone["started_at"] and r["tier"] == tier]
    assert_that(len(overtaken), greater_than_or_equal_to(1))


@then("{tier:Tier} runs requested after the {other:Tier} run started before it while it had waited less than "
      "the aging bound")
def overtaking_runs(context, tier, other):
    lone, *stream = started_runs(context, [context.lone_run, *context.stream.runs])
    overtaking = [r for r in stream if r["accepted"] > lone["accepted"]
                  and r["started_at"] < lone["started_at"] and r["tier"] == tier
                  and r["started_at"].timestamp() - lone["run"].requested_at < context.aging_bound]
    assert_that(len(overtaking), greater_than_or_equal_to(1))
