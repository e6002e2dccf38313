"""Steps about the local worker side's health endpoint, restarts, samples and memory."""

import parameter_types  # noqa: F401
import worker_types  # noqa: F401
import psutil
import requests
from behave import given, then, when
from hamcrest import (assert_that, contains_string, equal_to, greater_than, greater_than_or_equal_to,
                      has_entries, less_than)

from masteryflow.services import wait_until
from masteryflow.testing.worker_runs import (bound_stack, hand_out_jobs_again, start_unrecorded_run,
                                             stop_handing_out_jobs)
from masteryflow.testing.prometheus import parse_metrics

GB = 1024 ** 3


def ask(context, path: str) -> requests.Response:
    return requests.get(bound_stack(context).health_url + path, timeout=5)


def metrics(context) -> dict:
    return parse_metrics(ask(context, "/metrics").text)


@when("the operator asks the local side how it is")
def step_ask_health(context):
    context.liveness, context.readiness = ask(context, "/healthz"), ask(context, "/readyz")


@then("the local side answers that it is alive and ready")
def step_alive_and_ready(context):
    assert_that(context.liveness.status_code, equal_to(200))
    assert_that(context.readiness.status_code, equal_to(200), context.readiness.text)


@then("its metrics show {count:Count} workers ready, the queue and both databases reachable")
def step_metrics_healthy(context, count):
    seen = metrics(context)
    workers = bound_stack(context).side.supervisor.workers
    assert_that(len(workers), equal_to(count))
    for name in workers:
        assert_that(seen[f'masteryflow_worker_ready{{worker="{name}"}}'], equal_to(1))
    for target in ("redis", "n8n_database", "platform_database"):
        assert_that(seen[f'masteryflow_connection_up{{target="{target}"}}'], equal_to(1))
    assert_that(seen["masteryflow_queue_stuck"], equal_to(0))


@given("the VPS's queue stops handing out jobs")
def step_queue_stops(context):
    stack = bound_stack(context)
    stop_handing_out_jobs(stack)
    context.add_cleanup(hand_out_jobs_again, stack)


@when("{person:Person}'s run has waited longer than the stuck limit")
def step_run_waits(context, person):
    stack = bound_stack(context)
    context.waiting_run = start_unrecorded_run(stack, "Wait a second")
    limit = stack.settings.local.stuck_after
    wait_until(lambda: metrics(context)["masteryflow_queue_waiting_jobs"] >= 1, "a waiting run", timeout=15)
    wait_until(lambda: metrics(context)["masteryflow_queue_stuck_seconds"] > limit, "the stuck limit to pass",
               timeout=limit + 15)


@then("the local side says the queue is stuck and that it is not ready")
def step_reported_stuck(context):
    assert_that(metrics(context)["masteryflow_queue_stuck"], equal_to(1))
    readiness = ask(context, "/readyz")
    assert_that(readiness.status_code, equal_to(503))
    assert_that(readiness.text, contains_string("queue stuck"))
    assert_that(ask(context, "/healthz").status_code, equal_to(200))


@when("the VPS's queue hands out jobs again")
def step_queue_resumes(context):
    hand_out_jobs_again(bound_stack(context))


@then("the local side is ready again within {seconds:Count} seconds")
def step_ready_again(context, seconds):
    wait_until(lambda: ask(context, "/readyz").status_code == 200, "readiness", timeout=seconds)


@then("{person:Person}'s waiting run finishes")
def step_waiting_run_finishes(context, person):
    assert_that(context.waiting_run.result(timeout=60).status_code, equal_to(200))


@when("one local worker is killed")
def step_kill_worker(context):
    supervisor = bound_stack(context).side.supervisor
    context.killed_worker = next(iter(supervisor.workers.values()))
    context.killed_pid = context.killed_worker.pid
    context.restarts_before = supervisor.restarts[context.killed_worker.name].count
    context.killed_worker.kill()


@then("that worker is running and ready again within {seconds:Count} seconds")
def step_worker_back(context, seconds):
    worker = context.killed_worker
    wait_until(lambda: worker.is_running() and worker.pid != context.killed_pid and worker.ready(),
               f"{worker.name} after being killed", timeout=seconds)


@then("the metrics count {count:Count} restart of that worker")
def step_restart_counted(context, count):
    name = context.killed_worker.name
    wait_until(lambda: metrics(context)[f'masteryflow_worker_restarts_total{{worker="{name}"}}']
               == context.restarts_before + count, "the restart in the metrics", timeout=10)


@when("{count:Count} sampling intervals pass")
def step_sampling_intervals(context, count):
    stack = bound_stack(context)
    interval = stack.settings.local.sample_interval
    wait_until(lambda: sample_counts(context) and min(sample_counts(context).values()) >= count - 1,
               "performance samples", timeout=interval * (count + 3))


@then("each of the {workers:Count} workers has at least {count:Count} performance samples with its memory, "
      "readiness and the queue's size")
def step_samples_written(context, workers, count):
    names = list(bound_stack(context).side.supervisor.workers)
    assert_that(len(names), equal_to(workers))
    assert_that(set(sample_counts(context)), equal_to(set(names)))
    for name in names:
        assert_that(sample_counts(context)[name], greater_than_or_equal_to(count))
        latest = context.db.execute("SELECT * FROM worker_performance_logs WHERE worker_id = %s "
                                    "ORDER BY sampled_at DESC LIMIT 1", (name,)).fetchone()
        assert_that(latest, has_entries(ready=True, n8n_version="2.40.7", concurrency=2, queue_waiting=0))
        assert_that(latest["rss_bytes"], greater_than(50 * 1024 * 1024))


def sample_counts(context) -> dict:
    rows = context.db.execute("SELECT worker_id, count(*) AS samples FROM worker_performance_logs "
                              "GROUP BY worker_id").fetchall()
    return {row["worker_id"]: row["samples"] for row in rows}


@then("the whole local side uses less than {gb:Count} GB of memory")
def step_memory_within_budget(context, gb):
    reported = metrics(context)["masteryflow_local_rss_bytes"]
    workers_alone = sum(process_tree_rss(worker.pid) for worker in bound_stack(context).side.supervisor.workers.values())
    assert_that(workers_alone, greater_than(100 * 1024 * 1024))
    assert_that(reported, greater_than_or_equal_to(workers_alone * 0.9))  # it counts every worker and runner
    assert_that(reported, less_than(gb * GB))
    print(f"local side RSS: {reported / 2**20:.0f} MB (workers and their runners: {workers_alone / 2**20:.0f} MB)")


def process_tree_rss(pid: int) -> int:
    """Measured independently of the monitor: the process and all its children."""
    parent = psutil.Process(pid)
    return sum(process.memory_info().rss for process in (parent, *parent.children(recursive=True)))
