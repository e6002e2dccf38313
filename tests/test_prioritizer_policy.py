"""Effective priorities: pure arithmetic of tiers, kinds and aging."""

import pytest
from hamcrest import assert_that, contains_exactly, equal_to, less_than

from masteryflow.worker.priority_policy import PriorityPolicy, bull_priority, class_of

PLANS = {"free": 40, "pro": 30, "premium": 20, "vip": 10}


def test_tier_first_then_webhook_before_background():
    policy = PriorityPolicy(PLANS)
    order = sorted(((tier, kind) for tier in PLANS for kind in (50, 100)),
                   key=lambda tk: policy.base_class(*tk))
    assert_that(order, contains_exactly(("vip", 50), ("vip", 100), ("premium", 50), ("premium", 100),
                                        ("pro", 50), ("pro", 100), ("free", 50), ("free", 100)))


def test_every_placed_priority_stays_below_n8n_own():
    policy = PriorityPolicy(PLANS)
    worst = bull_priority(policy.base_class("free", 100), str(10 ** 9 - 1))
    assert_that(worst, less_than(50))


def test_older_job_sorts_first_within_a_class_and_never_crosses_into_the_next():
    assert_that(bull_priority(3, "7"), less_than(bull_priority(3, "8")))
    assert_that(class_of(bull_priority(3, str(10 ** 9 - 1))), equal_to(3))


def test_aging_gains_one_class_per_step_and_stops_at_the_top():
    policy = PriorityPolicy(PLANS, aging_step_seconds=2)
    free_webhook = policy.base_class("free", 50)
    assert_that([policy.aged_class(free_webhook, ms) for ms in (0, 1999, 2000, 9000, 60_000)],
                contains_exactly(6, 6, 5, 2, 0))


def test_aging_bound_is_class_times_step():
    policy = PriorityPolicy(PLANS, aging_step_seconds=2.5)
    assert_that(policy.aging_bound_seconds("free", 100), equal_to(17.5))
    assert_that(policy.aging_bound_seconds("vip", 50), equal_to(0))
    assert_that(PriorityPolicy(PLANS).aging_bound_seconds("free", 100), equal_to(None))


def test_tiers_sharing_a_queue_priority_share_a_class():
    policy = PriorityPolicy({**PLANS, "pro": 20})
    assert_that(policy.base_class("pro", 50), equal_to(policy.base_class("premium", 50)))


@pytest.mark.parametrize("plans, step", [({}, 0), (PLANS, -1), ({f"t{i}": i for i in range(1, 30)}, 0)])
def test_unusable_settings_are_refused(plans, step):
    with pytest.raises(ValueError):
        PriorityPolicy(plans, aging_step_seconds=step)
