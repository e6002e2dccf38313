"""`python -m masteryflow worker up` runs the tier prioritizer and the autoscaler: against real n8n
2.40.7 (main with one team project per tier), real Redis (DB 4, a prefix of its own) and a real
platform database whose customers own those projects."""

import json
import time

import pytest
from faker import Faker
from hamcrest import (assert_that, contains_exactly, equal_to, greater_than_or_equal_to, has_key, is_not, none,
                      only_contains)

from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.faults import wait_for
from masteryflow.testing.n8n_stack import stack_environment
from masteryflow.testing.tier_queue_stage import TierQueueStage
from masteryflow.testing.worker_up_process import WorkerUpProcess
from masteryflow.worker.queue_order import PLACED_CEILING
from prioritizer_support import REDIS_URL, SERVER_URL, databases, platform  # noqa: F401

BLOCKER_SECONDS = 20
TIERS_IN_ARRIVAL_ORDER = ("free", "pro", "premium", "vip")


@pytest.fixture
def stage():
    stage = TierQueueStage(SERVER_URL, REDIS_URL)
    try:
        stage.prepare()
        stage.start_main()
        yield stage
    finally:
        stage.close()


def customers_own_the_projects(platform, stage) -> None:
    faker = Faker()
    faker.seed_instance(7)
    for tier, project_id in stage.projects.items():
        user = create_user(platform.connection, faker, tier=tier)
        platform.connection.execute("UPDATE users SET n8n_project_id = %s WHERE id = %s", (project_id, user["id"]))


def worker_up_environment(stage, platform_url: str) -> dict[str, str]:
    """One worker of one slot that may grow to two; no aging, so the order is strictly by tier."""
    settings = stage.settings
    env = stack_environment(stage.server_url, f"redis://{settings.redis.host}:{settings.redis.port}", stage.database,
                            stage.prefix, settings.encryption_key.reveal(), platform_url, worker_count=1,
                            worker_concurrency=1, worker_min=1, worker_max=2, scale_every=0.5, scale_up_cooldown=1,
                            scale_down_cooldown=60, priority_aging_step=0)
    env["QUEUE_BULL_REDIS_DB"] = str(settings.redis.db)
    return env


def placed_waiting_tiers(stage) -> list[str] | None:
    """Tiers of the waiting jobs from first to run to last, once every one has a placed priority."""
    client, queue = stage.queue.client, stage.queue
    waiting = client.lrange(queue.wait_key, 0, -1)
    scores = dict(client.zrange(queue.priority_key, 0, -1, withscores=True))
    if len(waiting) < len(TIERS_IN_ARRIVAL_ORDER) or any(scores.get(job, PLACED_CEILING) >= PLACED_CEILING
                                                         for job in waiting):
        return None
    tier_of_project = {project: tier for tier, project in stage.projects.items()}
    projects = [json.loads(client.hget(queue.job_key(job), "data"))["projectId"]
                for job in reversed(waiting)]  # workers take from the right end
    return [tier_of_project[project] for project in projects]


def test_worker_up_places_waiting_jobs_by_tier_and_scales_with_metrics(stage, platform, tmp_path):
    customers_own_the_projects(platform, stage)
    service = WorkerUpProcess(worker_up_environment(stage, platform.url), tmp_path / "state")
    try:
        service.wait_up()
        wait_for(lambda: any(value == 1 for name, value in service.metrics().items()
                             if name.startswith("masteryflow_worker_ready")), timeout=120, what="a ready worker")
        blocker = stage.request_run("free", BLOCKER_SECONDS)
        wait_for(lambda: stage.queue.counts().active == 1, timeout=60, poll=0.05, what="the worker busy")
        runs = []
        for tier in TIERS_IN_ARRIVAL_ORDER:
            runs.append(stage.request_run(tier, 1))
            time.sleep(0.3)  # n8n queues them in this order

        order, _ = wait_for(lambda: placed_waiting_tiers(stage), timeout=10, poll=0.05, what="every waiting job placed")
        assert_that(order, contains_exactly("vip", "premium", "pro", "free"))

        metrics, _ = wait_for(lambda: (m := service.metrics()).get('masteryflow_autoscaler_decisions_total{action="up"}')
                              and m, timeout=10, what="a scale-up decision")
        assert_that(metrics["masteryflow_prioritizer_jobs_placed_total"], greater_than_or_equal_to(len(runs)))
        assert_that(metrics["masteryflow_autoscaler_demand_jobs"], greater_than_or_equal_to(2))
        assert_that(metrics["masteryflow_autoscaler_target_workers"], equal_to(2))
        for name in ("capacity_jobs", "memory_cap_workers", "local_rss_bytes", "idle_workers"):
            assert_that(metrics, has_key(f"masteryflow_autoscaler_{name}"))
        assert_that(metrics.get("masteryflow_prioritizer_errors_total", 0), equal_to(0))

        executions = [run.execution_id() for run in runs]
        assert_that(blocker.execution_id(timeout=BLOCKER_SECONDS + 60), is_not(none()))
        assert_that(executions, only_contains(is_not(none())))
        started = {row["execution_id"]: row["started_at"] for row in stage.executions()}
        by_start = sorted(zip(TIERS_IN_ARRIVAL_ORDER, executions), key=lambda pair: started[pair[1]])
        assert_that([tier for tier, _ in by_start], contains_exactly("vip", "premium", "pro", "free"))
    finally:
        exit_code = service.stop()
    assert_that(exit_code, equal_to(0))
    assert "Traceback" not in "\n".join(service.output), service.tail()
