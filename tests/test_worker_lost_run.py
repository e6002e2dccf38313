"""Nothing lost: a run whose n8n worker is killed with SIGKILL mid-execution ends `crashed` on the
platform within seconds, long before n8n itself gives up on the job (its lock expires, ~100 s).
Real n8n 2.40.7 (main + one local worker under `worker up`'s LocalWorkerSide), real Redis (DB 3,
a prefix of its own), real PostgreSQL."""

import time
from datetime import timedelta

import psycopg
from psycopg.rows import dict_row
import pytest
from hamcrest import assert_that, contains_string, equal_to, is_not, is_in, less_than

from masteryflow import db
from masteryflow.testing.faults import wait_for
from masteryflow.testing.n8n_stack import WEBHOOK_PATHS, WORKFLOW_IDS, start_stack, stop_stack
from masteryflow.testing.run_traffic import RunTraffic
from masteryflow.worker import n8n_records
from masteryflow.worker.platform_runs import request_run
from masteryflow.worker.recorder import NEVER_RECEIVED_AFTER
from prioritizer_support import SERVER_URL, databases  # noqa: F401

REDIS_SERVER_URL = "redis://127.0.0.1:6379"
RECORDED_WITHIN_SECONDS = 10  # n8n's own stalled-job check takes about 100 s


@pytest.fixture
def stack(databases):
    stack = start_stack(SERVER_URL, REDIS_SERVER_URL, databases, workers=1, concurrency=1, sample_interval=60,
                        stuck_after=60)
    yield stack
    stop_stack(stack, databases)


@pytest.fixture
def traffic(stack):
    n8n_database_url = db.with_database(stack.server_url, stack.settings.postgres.database)
    traffic = RunTraffic(stack.platform.url, n8n_database_url, stack.n8n_url, WEBHOOK_PATHS["wait"], WORKFLOW_IDS["wait"])
    yield traffic
    traffic.close()


def platform_record(stack, run_id: int) -> dict:
    with psycopg.connect(stack.platform.url, autocommit=True, row_factory=dict_row) as conn:
        return conn.execute("SELECT status, n8n_execution_id, worker_id, error_message FROM executions WHERE id = %s",
                            (run_id,)).fetchone()


def test_a_run_whose_worker_is_killed_ends_crashed_on_the_platform_within_seconds(stack, traffic):
    worker = next(iter(stack.side.supervisor.workers.values()))
    already_started = len(worker.executions_started())
    run = traffic.request()
    started, _ = wait_for(lambda: worker.executions_started()[already_started:], timeout=30, poll=0.02,
                          what="the worker starting the run")
    execution_id = started[0]

    killed_at = time.monotonic()
    worker.kill()
    record, _ = wait_for(lambda: (r := platform_record(stack, run.platform_id))["status"] not in ("queued", "running")
                         and r, timeout=60, poll=0.05, what="a final outcome on the platform")
    recorded_after = time.monotonic() - killed_at
    with stack.n8n_database() as n8n:
        n8n_status = n8n_records.find_by_id(n8n, execution_id).status
    print(f"measured: killed run recorded '{record['status']}' {recorded_after:.2f} s after SIGKILL; "
          f"n8n's own status then: {n8n_status}")

    assert_that(record["status"], equal_to("crashed"))
    assert_that(recorded_after, less_than(RECORDED_WITHIN_SECONDS))
    assert_that(record["n8n_execution_id"], equal_to(execution_id))
    assert_that(record["worker_id"], equal_to(worker.name))
    assert_that(record["error_message"], contains_string(f"worker {worker.name} died"))
    assert_that(n8n_status, is_not(is_in(n8n_records.FINISHED_STATUSES)))  # n8n has not noticed yet


def test_a_run_n8n_never_received_ends_crashed_and_a_fresh_one_is_left_waiting(stack, traffic):
    with psycopg.connect(stack.platform.url, autocommit=True, row_factory=dict_row) as platform:
        never_sent = request_run(platform, traffic.customer, traffic.listing)["id"]
        just_requested = request_run(platform, traffic.customer, traffic.listing)["id"]
        platform.execute("UPDATE executions SET requested_at = requested_at - %s WHERE id = %s",
                         (NEVER_RECEIVED_AFTER + timedelta(seconds=1), never_sent))
    record, waited = wait_for(lambda: (r := platform_record(stack, never_sent))["status"] != "queued" and r,
                              timeout=30, poll=0.2, what="the run n8n never received being closed")
    print(f"measured: a run n8n never received was closed {waited:.1f} s after it became overdue")

    assert_that(record["status"], equal_to("crashed"))
    assert_that(record["error_message"], contains_string("n8n never received it"))
    assert_that(platform_record(stack, just_requested)["status"], equal_to("queued"))
