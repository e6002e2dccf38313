"""Tier ordering on a real Bull queue (Redis DB 4) with synthetic n8n jobs."""

import random

from hamcrest import assert_that, contains_exactly, equal_to, greater_than, less_than

from prioritizer_support import (bull, databases, make_prioritizer, platform,  # noqa: F401
                                 projects, queue)


def tier_of(job_ids, tiers_by_job):
    return [tiers_by_job[job_id] for job_id in job_ids]


def test_mixed_tiers_run_vip_premium_pro_free_and_fifo_within_a_tier(bull, platform, projects, queue):
    arrivals = ["free", "pro", "vip", "premium", "free", "vip", "pro", "premium", "vip", "free"]
    tiers_by_job = {queue.add(projects[tier]): tier for tier in arrivals}
    report = make_prioritizer(bull, platform).run_pass()
    assert_that(report.placed, equal_to(len(arrivals)))
    order = queue.run_order()
    assert_that(tier_of(order, tiers_by_job),
                contains_exactly(*["vip"] * 3, *["premium"] * 2, *["pro"] * 2, *["free"] * 3))
    for tier in set(arrivals):
        ids = [int(j) for j in order if tiers_by_job[j] == tier]
        assert_that(ids, equal_to(sorted(ids)))


def test_webhook_runs_before_background_runs_of_the_same_tier_but_not_of_a_better_one(
        bull, platform, projects, queue):
    background_vip = queue.add(projects["vip"], webhook=False)
    webhook_premium = queue.add(projects["premium"], webhook=True)
    background_premium = queue.add(projects["premium"], webhook=False)
    webhook_vip = queue.add(projects["vip"], webhook=True)
    make_prioritizer(bull, platform).run_pass()
    assert_that(queue.run_order(), contains_exactly(webhook_vip, background_vip, webhook_premium,
                                                    background_premium))


def test_workers_take_jobs_in_tier_order_while_new_jobs_keep_arriving(bull, platform, projects, queue):
    rng = random.Random(7)
    prioritizer = make_prioritizer(bull, platform)
    rank = {"vip": 0, "premium": 1, "pro": 2, "free": 3}
    tiers_by_job, started = {}, []
    for _ in range(30):
        for _ in range(rng.randint(0, 4)):
            tier = rng.choice(list(rank))
            tiers_by_job[queue.add(projects[tier])] = tier
        prioritizer.run_pass()
        waiting_best = min((rank[tiers_by_job[j]] for j in queue.run_order()), default=None)
        taken = queue.take()
        if taken:
            assert_that(rank[tiers_by_job[taken]], equal_to(waiting_best))
            started.append(taken)
    assert_that(len(started), greater_than(20))


def test_a_job_n8n_has_just_added_waits_behind_placed_jobs_until_placed(bull, platform, projects, queue):
    placed_free = queue.add(projects["free"])
    make_prioritizer(bull, platform).run_pass()
    fresh_vip = queue.add(projects["vip"])
    assert_that(queue.run_order(), contains_exactly(placed_free, fresh_vip))
    make_prioritizer(bull, platform).run_pass()
    assert_that(queue.run_order(), contains_exactly(fresh_vip, placed_free))


def test_wait_list_and_priority_set_agree_after_every_pass(bull, platform, projects, queue):
    prioritizer = make_prioritizer(bull, platform)
    for round_number in range(5):
        for tier in ("free", "vip", "pro", "premium"):
            queue.add(projects[tier], webhook=round_number % 2 == 0)
        prioritizer.run_pass()
        priorities = queue.priorities()
        order = queue.run_order()
        assert_that(order, equal_to(sorted(priorities, key=priorities.get)))
        assert_that(max(priorities.values()), less_than(50))


def test_a_paused_queue_is_ordered_in_its_paused_list(bull, platform, projects, queue):
    bull.client.set(bull.meta_paused_key, 1)
    free_job, vip_job = queue.add(projects["free"]), queue.add(projects["vip"])
    make_prioritizer(bull, platform).run_pass()
    paused_order = list(reversed(bull.client.lrange(bull.paused_key, 0, -1)))
    assert_that(paused_order, contains_exactly(vip_job, free_job))
