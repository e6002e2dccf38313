"""Steps about the number of local n8n workers following demand (the autoscaler)."""

import parameter_types  # noqa: F401
from behave import given, then, when
from hamcrest import assert_that, equal_to, only_contains, greater_than, has_entries, has_key, less_than

from masteryflow.testing.tier_queue_runs import start_autoscaled_workers
from masteryflow.worker.autoscaler import MIB, ScalingPolicy
from masteryflow.worker.worker_log import WorkerLogReader

GIB = 1024 * MIB


@given("the autoscaler keeps between {low:Count} and {high:Count} workers of one execution each within {gb:Count} GB")
def scaling_bounds(context, low, high, gb):
    context.scaling_bounds = dict(min_workers=low, max_workers=high, concurrency=1, memory_budget_bytes=gb * GIB)
    context.requested_runs = []


@given("it waits {up:Count} second between scale-ups and {down:Count} seconds of low demand before scaling down")
def scaling_cooldowns(context, up, down):
    policy = ScalingPolicy(**context.scaling_bounds, up_cooldown=up, down_cooldown=down)
    context.autoscaled = start_autoscaled_workers(context.tier_queue, policy)
    context.add_cleanup(context.autoscaled.stop)
    supervisor = context.autoscaled.supervisor
    context.tier_queue.wait_for(lambda: any(w.ready() for w in supervisor.workers.values()),
                                "the first worker ready", timeout=120)


@when("{count:Count} runs of {seconds:Count} seconds each are requested at once")
def request_backlog(context, count, seconds):
    context.requested_runs += [context.tier_queue.request_run("free", seconds) for _ in range(count)]


@then("the local workers grow to {count:Count}")
def workers_grow(context, count):
    supervisor = context.autoscaled.supervisor
    context.tier_queue.wait_for(lambda: len(supervisor.workers) == count, f"{count} workers", timeout=60)


@then("the local workers shrink back to {count:Count} once the queue is empty")
def workers_shrink(context, count):
    stage, supervisor = context.tier_queue, context.autoscaled.supervisor
    stage.wait_for(lambda: stage.queue.counts().backlog == 0 and len(supervisor.workers) == count,
                   f"an empty queue and {count} workers", timeout=120)


@then("every stopped worker finished its runs and exited cleanly")
def graceful_stops(context):
    retired = context.autoscaled.scaling.retired
    assert_that(len(retired), greater_than(0))
    context.tier_queue.wait_for(lambda: not any(w.is_running() for w in retired), "retired workers exited", 60)
    assert_that([w.exit_code() for w in retired], only_contains(equal_to(0)))
    for worker in retired:
        reader = WorkerLogReader(worker.log_path)
        reader.read_new()
        assert not reader.running, f"{worker.name} stopped while running executions {sorted(reader.running)}"


@then("the local worker side stayed under {gb:Count} GB of memory throughout")
def memory_budget(context, gb):
    peak = context.autoscaled.scaling.peak_local_rss_bytes
    assert_that(peak, greater_than(0))
    assert_that(peak, less_than(gb * GIB))


@then("each scaling decision recorded the queue and capacity it saw")
def decisions_recorded(context):
    scaling = context.autoscaled.scaling
    assert_that(dict(scaling.decisions), has_entries(up=greater_than(0), down=greater_than(0)))
    metrics = scaling.metrics()
    for name in ("masteryflow_autoscaler_demand_jobs", "masteryflow_autoscaler_capacity_jobs",
                 "masteryflow_autoscaler_memory_cap_workers", "masteryflow_autoscaler_local_rss_bytes"):
        assert_that(metrics, has_key(name))
