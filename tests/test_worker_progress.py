"""Stuck-queue detection: a backlog that does not move while ready workers have free slots."""

from __future__ import annotations

from hamcrest import assert_that, equal_to, is_

from masteryflow.worker.progress import QueueObservation, StuckDetector


def seen(at, waiting=3, next_job="7", ready=1, free=2):
    return QueueObservation(at, waiting, next_job, ready, free)


def test_a_backlog_whose_next_job_never_moves_is_stuck_after_the_limit():
    detector = StuckDetector(stuck_after=60)
    assert_that([detector.observe(seen(t)) for t in (0, 30, 59.9)], equal_to([False, False, False]))
    assert_that(detector.observe(seen(60)), is_(True))
    assert_that(detector.stuck_for(75), equal_to(75))


def test_a_queue_that_keeps_moving_is_never_stuck():
    detector = StuckDetector(stuck_after=10)
    verdicts = [detector.observe(seen(t, next_job=str(t // 8))) for t in range(0, 100, 2)]
    assert_that(any(verdicts), is_(False))


def test_new_jobs_arriving_behind_a_frozen_head_do_not_hide_it():
    detector = StuckDetector(stuck_after=10)
    for t, waiting in ((0, 1), (5, 4), (10, 9)):
        stuck = detector.observe(seen(t, waiting=waiting))
    assert_that(stuck, is_(True))


def test_a_backlog_behind_busy_workers_is_load_not_a_fault():
    detector = StuckDetector(stuck_after=10)
    verdicts = [detector.observe(seen(t, free=0)) for t in range(0, 100, 5)]
    assert_that(any(verdicts), is_(False))


def test_no_ready_worker_is_a_readiness_problem_not_a_stuck_queue():
    detector = StuckDetector(stuck_after=10)
    assert_that(any(detector.observe(seen(t, ready=0)) for t in range(0, 60, 5)), is_(False))


def test_the_clock_restarts_when_the_queue_could_not_move_for_a_while():
    detector = StuckDetector(stuck_after=10)
    detector.observe(seen(0))
    detector.observe(seen(8, free=0))        # workers got busy: not a fault
    assert_that(detector.observe(seen(12)), is_(False))
    assert_that(detector.observe(seen(22)), is_(True))


def test_an_empty_queue_is_not_stuck():
    detector = StuckDetector(stuck_after=1)
    assert_that(any(detector.observe(seen(t, waiting=0, next_job=None)) for t in range(10)), is_(False))
