"""Readiness reasons and the Prometheus text of the local worker side (pure logic)."""

from __future__ import annotations

from hamcrest import assert_that, contains_inanyorder, contains_string, empty, equal_to, has_item

from masteryflow.testing.prometheus import parse_metrics
from masteryflow.worker.http import render_metrics
from masteryflow.worker.monitor import Reachability, Snapshot, WorkerStatus
from masteryflow.worker.queue import QueueCounts

MB = 1024 * 1024


def worker(name="w-1", ready=True, rss=300 * MB):
    return WorkerStatus(name, 123, 5, ready, 1, rss, 2.5, 0)


def reachable(up=True):
    return Reachability("x", lambda: None, probes=1, successes=int(up), up=up)


def snapshot(**changes):
    base = dict(taken_at=1.0, workers=[worker()], queue=QueueCounts(0, 0), stuck=False, stuck_seconds=0.0,
                local_rss_bytes=400 * MB, reachability={"redis": reachable(), "n8n_database": reachable()},
                restarts=0, uptime_seconds=10.0)
    return Snapshot(**{**base, **changes})


def test_a_healthy_side_has_no_problem():
    assert_that(snapshot().problems(2048 * MB), empty())


def test_each_reason_is_named():
    sick = snapshot(workers=[worker(ready=False)], stuck=True, stuck_seconds=75, queue=QueueCounts(4, 0, "9"),
                    local_rss_bytes=2100 * MB, reachability={"redis": reachable(False), "n8n_database": reachable()})
    assert_that(sick.problems(2048 * MB), contains_inanyorder(
        "redis unreachable", "no n8n worker is ready",
        "queue stuck: 4 waiting jobs have not moved for 75 s although workers are ready with free slots",
        "memory 2100 MB above the budget of 2048 MB"))


def test_one_ready_worker_is_enough():
    assert_that(snapshot(workers=[worker("a", ready=False), worker("b")]).problems(2048 * MB), empty())


def test_metrics_round_trip_with_exact_byte_counts():
    text = render_metrics(snapshot(local_rss_bytes=1_234_567_891), 2048 * MB)
    seen = parse_metrics(text)
    assert_that(seen["masteryflow_local_rss_bytes"], equal_to(1_234_567_891))
    assert_that(seen['masteryflow_worker_ready{worker="w-1"}'], equal_to(1))
    assert_that(seen['masteryflow_connection_uptime_ratio{target="redis"}'], equal_to(1.0))
    assert_that(text.splitlines(), has_item(contains_string("# TYPE masteryflow_worker_restarts_total counter")))
