"""Execution rules (schema/020): admission, quota months, entitlement, the run lifecycle, and
admission under concurrency, against a real PostgreSQL database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hamcrest import assert_that, contains_exactly, equal_to, has_entries, starts_with

from masteryflow.testing.builders import purchases
from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.testing.load import call_concurrently
from masteryflow.testing.rules import call
from rules_world import MARCH, database, db, faker, refusal_of, shared_database, template  # noqa: F401

SECOND = timedelta(seconds=1)


def usage(db, user, metric, moment=MARCH):
    return db.execute("SELECT monthly_usage(%s, month_of(%s), %s) AS q", (user["id"], moment, metric)).fetchone()["q"]


def set_usage(db, user, runs, moment=MARCH):
    db.execute("SELECT add_monthly_usage(%s, month_of(%s), 'executions', %s, %s)", (user["id"], moment, runs, moment))


def request(db, user, workflow, at=MARCH, mode="webhook"):
    return call(db, "request_execution", user["id"], workflow["id"], mode, at)


def started_run(db, user, workflow, at=MARCH):
    run = request(db, user, workflow, at)
    return call(db, "start_execution", run["id"], f"n8n-{run['id']}", "worker-a", at)


def workflow_counters(db, workflow):
    return db.execute("SELECT execution_count, error_count FROM workflows WHERE id = %s",
                      (workflow["id"],)).fetchone()


# --- admission -----------------------------------------------------------------------------------

def test_a_refused_run_is_recorded_and_logged_but_not_counted(db, faker):
    customer, workflow = create_user(db, faker), create_workflow(db, faker)
    set_usage(db, customer, 100)
    run = request(db, customer, workflow)
    assert_that(run, has_entries(status="refused", refusal_reason="quota_exceeded", tier="free", queue_priority=40))
    assert_that((usage(db, customer, "executions"), usage(db, customer, "refused_executions")), equal_to((100, 1)))
    assert_that(workflow_counters(db, workflow), has_entries(execution_count=0))
    logged = db.execute("SELECT * FROM activities WHERE action = 'execution_refused'").fetchall()
    assert_that(logged, contains_exactly(has_entries(
        actor_id=customer["id"], subject_id=run["id"],
        details=has_entries(reason="quota_exceeded", used_this_month=100, monthly_limit=100))))


@pytest.mark.parametrize("moment, admitted", [
    (datetime(2026, 3, 31, 23, 59, 59, tzinfo=timezone.utc), False),
    (datetime(2026, 4, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))), False),  # 31 March 23:00 UTC
    (datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc), True),
])
def test_the_quota_month_is_the_calendar_month_in_utc(db, faker, moment, admitted):
    customer, workflow = create_user(db, faker), create_workflow(db, faker)
    set_usage(db, customer, 100, datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert_that(request(db, customer, workflow, moment)["status"], equal_to("queued" if admitted else "refused"))


def test_an_unlimited_tier_is_never_over_quota(db, faker):
    vip, workflow = create_user(db, faker, tier="vip"), create_workflow(db, faker)
    set_usage(db, vip, 5_000_000)
    assert_that(request(db, vip, workflow), has_entries(status="queued", queue_priority=10))


@pytest.mark.parametrize("tier, holding, expected", [
    ("free", None, "not_entitled"),
    ("premium", None, "not_entitled"),
    ("vip", None, None),
    ("pro", "paid", None),
    ("pro", "refunded", "not_entitled"),
    ("pro", "unpaid", "not_entitled"),
    ("free", "author", None),
])
def test_a_paid_workflow_runs_only_for_holders_vip_and_its_author(db, faker, tier, holding, expected):
    customer = create_user(db, faker, tier=tier, role="author" if holding == "author" else "customer")
    workflow = create_workflow(db, faker, price_cents=2900,
                               author_id=customer["id"] if holding == "author" else None)
    make_holding = {"paid": purchases.create_paid_purchase, "refunded": purchases.create_refunded_purchase}
    if holding in make_holding:
        make_holding[holding](db, customer["id"], workflow, paid_at=MARCH - timedelta(days=3))
    elif holding == "unpaid":
        purchases.create_unpaid_purchase(db, customer["id"], workflow, ordered_at=MARCH - timedelta(days=3))
    assert_that(request(db, customer, workflow)["refusal_reason"], equal_to(expected))


def test_the_catalog_included_tiers_come_from_the_settings(db, faker):
    premium, workflow = create_user(db, faker, tier="premium"), create_workflow(db, faker, price_cents=900)
    db.execute("UPDATE meta.settings SET value = 'premium,vip' WHERE name = 'catalog_included_tiers'")
    assert_that(request(db, premium, workflow)["status"], equal_to("queued"))


def test_an_inactive_account_is_refused_before_anything_else(db, faker):
    suspended = create_user(db, faker, tier="vip", status="suspended")
    draft = create_workflow(db, faker, status="draft", price_cents=500)
    assert_that(request(db, suspended, draft)["refusal_reason"], equal_to("account_inactive"))


@pytest.mark.parametrize("change, code", [
    ({"user": -1}, "unknown_user"),
    ({"workflow": -1}, "unknown_workflow"),
    ({"mode": "cron"}, "invalid_mode"),
    ({"mode": None}, "invalid_mode"),
    ({"at": None}, "missing_time"),
    ({"at": datetime(2025, 12, 31, tzinfo=timezone.utc)}, "invalid_time"),  # before the sign-up
])
def test_a_malformed_run_request_is_refused_and_changes_nothing(db, faker, change, code):
    customer, workflow = create_user(db, faker), create_workflow(db, faker)
    arguments = {"user": customer["id"], "workflow": workflow["id"], "mode": "manual", "at": MARCH} | change
    assert_that(refusal_of(db, "request_execution", *arguments.values()), equal_to(code))


# --- the run lifecycle ---------------------------------------------------------------------------

@pytest.mark.parametrize("tier, elapsed, reported, ended", [
    ("free", timedelta(seconds=60), "success", "success"),
    ("free", timedelta(seconds=60, milliseconds=1), "success", "timeout"),
    ("pro", timedelta(seconds=301), "error", "timeout"),
    ("premium", timedelta(seconds=900), "error", "error"),
    ("vip", timedelta(hours=2), "crashed", "crashed"),
])
def test_a_run_longer_than_its_tier_timeout_ends_as_timeout(db, faker, tier, elapsed, reported, ended):
    customer, workflow = create_user(db, faker, tier=tier), create_workflow(db, faker)
    run = started_run(db, customer, workflow)
    message, node = ("boom", "Code") if reported == "error" else (None, None)
    finished = call(db, "finish_execution", run["id"], reported, MARCH + elapsed, message, node)
    assert_that(finished, has_entries(status=ended, duration_ms=elapsed // timedelta(milliseconds=1)))
    if ended == "timeout":
        assert_that(finished, has_entries(error_message=starts_with("the run took"), failed_node=None))
    assert_that(workflow_counters(db, workflow),
                equal_to({"execution_count": 1, "error_count": int(ended in ("error", "timeout"))}))


def test_run_time_is_rounded_up_and_booked_to_the_month_of_the_request(db, faker):
    customer, workflow = create_user(db, faker, tier="vip"), create_workflow(db, faker)
    late_march = datetime(2026, 3, 31, 23, 59, 59, tzinfo=timezone.utc)
    run = started_run(db, customer, workflow, late_march)
    call(db, "finish_execution", run["id"], "success", late_march + timedelta(seconds=1, milliseconds=200))
    assert_that((usage(db, customer, "execution_seconds", late_march),
                 usage(db, customer, "execution_seconds", late_march + SECOND * 2)), equal_to((2, 0)))


def test_only_a_crash_ends_a_run_that_never_started(db, faker):
    customer, workflow = create_user(db, faker), create_workflow(db, faker)
    run = request(db, customer, workflow)
    assert_that(refusal_of(db, "finish_execution", run["id"], "success", MARCH + SECOND), equal_to("not_started"))
    crashed = call(db, "finish_execution", run["id"], "crashed", MARCH + SECOND, "worker lost", None)
    assert_that(crashed, has_entries(status="crashed", duration_ms=None, error_message="worker lost"))


@pytest.mark.parametrize("report, code", [
    (("done", MARCH + SECOND, None, None), "invalid_outcome"),
    (("error", MARCH + SECOND, "  ", None), "missing_error_message"),
    (("success", MARCH + SECOND, None, "HTTP Request"), "unexpected_failed_node"),
    (("success", MARCH - SECOND, None, None), "invalid_time"),
    (("success", None, None, None), "invalid_time"),
    (("success", MARCH + timedelta(days=30), None, None), "invalid_time"),  # longer than a duration can hold
])
def test_a_malformed_finish_report_is_refused_and_changes_nothing(db, faker, report, code):
    run = started_run(db, create_user(db, faker), create_workflow(db, faker))
    assert_that(refusal_of(db, "finish_execution", run["id"], *report), equal_to(code))


def test_a_run_starts_once_and_finishes_once(db, faker):
    customer, workflow = create_user(db, faker), create_workflow(db, faker)
    run = started_run(db, customer, workflow)
    assert_that(refusal_of(db, "start_execution", run["id"], "n8n-x", "worker-b", MARCH), equal_to("not_queued"))
    call(db, "finish_execution", run["id"], "success", MARCH + SECOND)
    assert_that(refusal_of(db, "finish_execution", run["id"], "error", MARCH + SECOND * 2, "late", None),
                equal_to("not_running"))


def test_an_n8n_execution_belongs_to_one_run(db, faker):
    customer, workflow = create_user(db, faker), create_workflow(db, faker)
    first, second = request(db, customer, workflow), request(db, customer, workflow)
    call(db, "start_execution", first["id"], "n8n-42", "worker-a", MARCH)
    assert_that(refusal_of(db, "start_execution", second["id"], "n8n-42", "worker-a", MARCH),
                equal_to("duplicate_n8n_execution"))
    assert_that(refusal_of(db, "start_execution", second["id"], "", "worker-a", MARCH),
                equal_to("missing_worker_details"))


# --- concurrency ---------------------------------------------------------------------------------

def test_simultaneous_requests_for_different_workflows_share_one_quota(database, faker):
    """The lock is on the user (what is counted), not on the workflow: requests spread over
    several workflows still admit exactly the runs left."""
    url, db = database
    customer = create_user(db, faker, tier="pro")
    workflows = [create_workflow(db, faker) for _ in range(4)]
    set_usage(db, customer, 1_975)
    calls = [(customer["id"], workflows[number % 4]["id"], "webhook", MARCH) for number in range(400)]
    runs = call_concurrently(url, "request_execution", calls, connections=12)
    assert_that(sum(run["status"] == "queued" for run in runs), equal_to(25))
    assert_that(usage(db, customer, "executions"), equal_to(2_000))
    assert_that(usage(db, customer, "refused_executions"), equal_to(375))
    counted = db.execute("SELECT sum(execution_count) AS n FROM workflows WHERE id = ANY(%s)",
                         ([workflow["id"] for workflow in workflows],)).fetchone()["n"]
    assert_that(counted, equal_to(25))
