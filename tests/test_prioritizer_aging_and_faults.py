"""Aging (bounded wait for Free), malformed jobs, an unreachable platform database, round trips."""

import logging
import time

import pytest
from hamcrest import assert_that, contains_exactly, equal_to, has_length, less_than_or_equal_to

from masteryflow.testing.bull_jobs import RoundTripCounter
from masteryflow.worker.prioritizer import Prioritizer, PrioritizerSettings
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.tier_resolver import TierResolver
from prioritizer_support import (bull, databases, make_prioritizer, platform,  # noqa: F401
                                 projects, queue)

STEP = 2.0


def ms_ago(seconds: float) -> int:
    return int((time.time() - seconds) * 1000)


def test_a_free_run_that_waited_the_aging_bound_runs_before_newer_vip_runs(
        bull, platform, projects, queue):
    older_vip = queue.add(projects["vip"], enqueued_ms=ms_ago(13))
    aged_free = queue.add(projects["free"], enqueued_ms=ms_ago(12.1))  # bound: 6 classes x 2 s
    newer_vips = [queue.add(projects["vip"]) for _ in range(3)]
    make_prioritizer(bull, platform, aging_step_seconds=STEP).run_pass()
    assert_that(queue.run_order(), contains_exactly(older_vip, aged_free, *newer_vips))


def test_a_free_run_short_of_the_bound_still_waits_for_vip(bull, platform, projects, queue):
    free = queue.add(projects["free"], enqueued_ms=ms_ago(11))
    vip = queue.add(projects["vip"])
    make_prioritizer(bull, platform, aging_step_seconds=STEP).run_pass()
    assert_that(queue.run_order(), contains_exactly(vip, free))


def test_placed_jobs_move_up_as_they_wait(bull, platform, projects, queue):
    prioritizer = make_prioritizer(bull, platform, aging_step_seconds=0.2)
    free = queue.add(projects["free"])
    prioritizer.run_pass()
    time.sleep(0.45)  # two steps: free webhook (class 6) -> class 4, level with a fresh pro webhook
    pro = queue.add(projects["pro"])
    report = prioritizer.run_pass()
    assert_that(report.aged, equal_to(1))
    assert_that(queue.run_order(), contains_exactly(free, pro))


def test_without_aging_a_steady_stream_of_vip_starves_free(bull, platform, projects, queue):
    prioritizer = make_prioritizer(bull, platform, aging_step_seconds=0)
    free = queue.add(projects["free"], enqueued_ms=ms_ago(3600))
    started = []
    for _ in range(20):
        queue.add(projects["vip"])
        prioritizer.run_pass()
        started.append(queue.take())
    assert free not in started


@pytest.mark.parametrize("raw_data, reason", [
    ("{not json", "not JSON"),
    ('["a list"]', "not a JSON object"),
    ('{"workflowId": "1"}', "no projectId"),
    ('{"projectId": "nobody-owns-this"}', "belongs to no platform user"),
])
def test_a_malformed_job_is_left_in_place_logged_once_and_the_others_are_placed(
        bull, platform, projects, queue, caplog, raw_data, reason):
    free = queue.add(projects["free"])
    bad = queue.add(None, raw_data=raw_data)
    vip = queue.add(projects["vip"])
    prioritizer = make_prioritizer(bull, platform)
    with caplog.at_level(logging.WARNING, logger="masteryflow.worker.prioritizer"):
        prioritizer.run_pass()
        prioritizer.run_pass()
    assert_that(queue.run_order(), contains_exactly(vip, free, bad))
    assert_that(queue.priorities()[bad], equal_to(50))
    warnings = [r.getMessage() for r in caplog.records if f"job {bad} " in r.getMessage()]
    assert_that(warnings, has_length(1))
    assert reason in warnings[0]


def test_an_unreachable_platform_database_leaves_the_queue_untouched(bull, projects, queue):
    free, vip = queue.add(projects["free"]), queue.add(projects["vip"])
    resolver = TierResolver("postgresql://postgres@127.0.0.1:1/none", ttl_seconds=30)
    prioritizer = Prioritizer(bull, resolver, PrioritizerSettings())
    assert_that(prioritizer.run_pass_safely(), equal_to(False))
    assert_that(queue.run_order(), contains_exactly(free, vip))
    assert_that(prioritizer.stats.errors, equal_to(1))


@pytest.mark.parametrize("jobs", [10, 1200])
def test_a_pass_costs_a_bounded_number_of_round_trips(bull, platform, projects, queue, jobs):
    for number in range(jobs):
        queue.add(projects[("free", "pro", "premium", "vip")[number % 4]])
    counting = RoundTripCounter(connection_pool=bull.client.connection_pool)
    prioritizer = make_prioritizer(BullQueue(counting, prefix=bull.base[:-len(":jobs")]), platform,
                                   aging_step_seconds=STEP, batch_size=500)
    prioritizer.run_pass()
    assert_that(counting.round_trips, less_than_or_equal_to(5))  # list, read, place, aging list (+ script load)
    counting.round_trips = 0
    while queue.priorities() and max(queue.priorities().values()) >= 50:
        prioritizer.run_pass()
    assert_that(counting.round_trips, less_than_or_equal_to(4 * (jobs // 500 + 1)))
