"""Autoscaler decisions: demand vs capacity, bounds, cooldowns, memory budget, idle-only scale-down."""

import pytest
from hamcrest import assert_that, contains_string, equal_to, has_entries

from masteryflow.worker.autoscaler import DOWN, HOLD, MIB, UP, Autoscaler, Observation, ScalingPolicy

POLICY = ScalingPolicy(min_workers=1, max_workers=4, concurrency=2, up_cooldown=10, down_cooldown=30,
                       memory_budget_bytes=2048 * MIB)


def seen(at=0.0, waiting=0, active=0, workers=1, idle=None, side_mib=450, worker_mib=400):
    return Observation(at=at, waiting=waiting, active=active, workers=workers,
                       idle_workers=workers if idle is None else idle,
                       side_rss_bytes=side_mib * MIB, worker_rss_bytes=worker_mib * MIB)


def test_a_backlog_scales_up_to_what_demand_needs():
    decision = Autoscaler(POLICY).decide(seen(waiting=5, active=2, workers=1, idle=0))
    assert_that((decision.action, decision.workers, decision.change), equal_to((UP, 4, 3)))


def test_work_sitting_in_active_counts_as_demand():
    decision = Autoscaler(POLICY).decide(seen(waiting=0, active=4, workers=1, idle=0))
    assert_that((decision.action, decision.workers), equal_to((UP, 2)))


def test_never_above_the_maximum():
    assert_that(Autoscaler(POLICY).decide(seen(waiting=500, workers=1)).workers, equal_to(4))


def test_the_memory_budget_caps_the_workers():
    # 2048 MiB budget, 1250 MiB used now, 400 MiB per worker: room for 1 more
    decision = Autoscaler(POLICY).decide(seen(waiting=20, workers=2, idle=0, side_mib=1250))
    assert_that((decision.action, decision.workers, decision.memory_cap), equal_to((UP, 3, 3)))
    full = Autoscaler(POLICY).decide(seen(waiting=20, workers=3, idle=0, side_mib=1900))
    assert_that(full.action, equal_to(HOLD))
    assert_that(full.reason, contains_string("memory budget"))


def test_no_second_scale_up_within_the_cooldown():
    scaler = Autoscaler(POLICY)
    scaler.decide(seen(at=0, waiting=3, workers=1))
    assert_that(scaler.decide(seen(at=5, waiting=9, workers=2, idle=0)).action, equal_to(HOLD))
    assert_that(scaler.decide(seen(at=10, waiting=9, workers=2, idle=0)).action, equal_to(UP))


def test_scale_down_only_after_demand_stayed_low_for_the_cooldown():
    scaler = Autoscaler(POLICY)
    assert_that(scaler.decide(seen(at=0, workers=4)).action, equal_to(HOLD))
    assert_that(scaler.decide(seen(at=29, workers=4)).action, equal_to(HOLD))
    decision = scaler.decide(seen(at=30, workers=4))
    assert_that((decision.action, decision.workers), equal_to((DOWN, 1)))


def test_a_burst_restarts_the_scale_down_wait():
    scaler = Autoscaler(POLICY)
    scaler.decide(seen(at=0, workers=4))
    scaler.decide(seen(at=20, waiting=8, workers=4, idle=0))
    assert_that(scaler.decide(seen(at=40, workers=4)).action, equal_to(HOLD))
    assert_that(scaler.decide(seen(at=70, workers=4)).action, equal_to(DOWN))


def test_only_idle_workers_are_stopped():
    scaler = Autoscaler(POLICY)
    scaler.decide(seen(at=0, active=1, workers=4, idle=1))
    one = scaler.decide(seen(at=30, active=1, workers=4, idle=1))
    assert_that((one.action, one.change), equal_to((DOWN, -1)))
    busy = Autoscaler(POLICY)
    busy.decide(seen(at=0, active=2, workers=3, idle=0))
    assert_that(busy.decide(seen(at=30, active=2, workers=3, idle=0)).reason, contains_string("no worker is idle"))


def test_a_lost_worker_is_replaced_at_once_even_in_cooldown():
    scaler = Autoscaler(ScalingPolicy(min_workers=2, max_workers=4, concurrency=2))
    scaler.decide(seen(at=0, waiting=8, workers=2))
    decision = scaler.decide(seen(at=1, workers=1))
    assert_that((decision.action, decision.workers), equal_to((UP, 2)))


def test_never_below_the_minimum_when_idle():
    scaler = Autoscaler(POLICY)
    scaler.decide(seen(at=0, workers=1))
    assert_that(scaler.decide(seen(at=100, workers=1)).action, equal_to(HOLD))


def test_a_decision_carries_its_inputs():
    decision = Autoscaler(POLICY).decide(seen(waiting=3, active=1, workers=1, idle=0))
    assert_that(decision.as_dict(), has_entries(action=UP, waiting=3, active=1, capacity=2, memory_cap=4))
    assert_that(decision.describe(), contains_string("waiting 3, active 1, capacity 2"))


@pytest.mark.parametrize("bounds", [dict(min_workers=3, max_workers=2), dict(max_workers=0),
                                    dict(concurrency=0), dict(up_cooldown=-1)])
def test_unusable_policies_are_refused(bounds):
    with pytest.raises(ValueError):
        ScalingPolicy(**bounds)


def test_autoscaling_settings_come_from_the_environment_and_bad_ones_are_named():
    from masteryflow.config import ConfigError
    from masteryflow.worker.queue_control import scaling_from_environment
    from masteryflow.worker.settings import load_settings

    settings = load_settings({"N8N_ENCRYPTION_KEY": "k", "MASTERYFLOW_WORKER_COUNT": "2",
                              "MASTERYFLOW_WORKER_CONCURRENCY": "3", "MASTERYFLOW_MEMORY_BUDGET_MB": "1024"})
    assert_that(scaling_from_environment(settings, {}).enabled, equal_to(False))
    schedule = scaling_from_environment(settings, {"MASTERYFLOW_WORKER_MAX": "4", "MASTERYFLOW_SCALE_EVERY": "1"})
    assert_that((schedule.policy.min_workers, schedule.policy.max_workers, schedule.policy.concurrency,
                 schedule.policy.memory_budget_bytes, schedule.every_seconds), equal_to((2, 4, 3, 1024 * MIB, 1.0)))
    for bad in ({"MASTERYFLOW_WORKER_MAX": "1"}, {"MASTERYFLOW_SCALE_UP_COOLDOWN": "soon"}):
        with pytest.raises(ConfigError, match="MASTERYFLOW_|autoscaler"):
            scaling_from_environment(settings, bad)
