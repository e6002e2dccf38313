"""Edge cases of the billing SQL functions (schema/010-012) on fresh clones named mf_billing_*:
rounding, the purchase split, the refund window's edge, and the rules under concurrent calls."""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import psycopg
import pytest
from faker import Faker
from hamcrest import assert_that, contains_exactly, equal_to, has_entries, has_length, only_contains
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row

from masteryflow import db
from masteryflow.services import LOCAL_DATABASE_URL
from masteryflow.testing.builders import billing
from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.testing.refusals import attempt

SERVER = os.environ.get("MASTERYFLOW_TEST_DATABASE_URL") or LOCAL_DATABASE_URL
MARCH_1 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
_clone_numbers = itertools.count(1)
pure = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


@pytest.fixture(scope="module")
def template():
    return db.ensure_template(SERVER)


def clone(template):
    name = f"mf_billing_{os.getpid()}_{next(_clone_numbers)}"
    url = db.create_database(SERVER, name, template=template)
    return name, url, psycopg.connect(url, autocommit=True, row_factory=dict_row)


@pytest.fixture(scope="module")
def shared(template):
    """One clone for checks that roll back everything they write."""
    name, _, connection = clone(template)
    yield connection
    connection.close()
    db.drop_database(SERVER, name)


@pytest.fixture
def fresh(template):
    """A clone of its own (URL + connection) for tests that commit, e.g. concurrent callers."""
    name, url, connection = clone(template)
    yield url, connection
    connection.close()
    db.drop_database(SERVER, name)


@pytest.fixture
def faker():
    fake = Faker()
    fake.seed_instance(4242)
    return fake


@pytest.mark.parametrize("numerator, denominator, rounded", [(5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3),
                                                             (0, 7, 0), (7, 7, 1), (3, 2, 2)])
def test_division_rounds_half_up(shared, numerator, denominator, rounded):
    got = shared.execute("SELECT round_half_up_div(%s, %s) AS r", (numerator, denominator)).fetchone()["r"]
    assert_that(got, equal_to(rounded))


@pure
@given(old=st.integers(0, 50_000), extra=st.integers(0, 500_000), days=st.integers(28, 31), data=st.data())
@example(old=1900, extra=3000, days=31, data=None)
def test_proration_is_the_price_difference_for_the_started_days_left(shared, old, extra, days, data):
    seconds_left = days * 86400 if data is None else data.draw(st.integers(1, days * 86400))
    period_end = MARCH_1 + timedelta(days=days)
    at = period_end - timedelta(seconds=seconds_left)
    expected = half_up(Fraction(extra * math.ceil(seconds_left / 86400), days))
    got = shared.execute("SELECT prorated_upgrade_cents(%s, %s, %s, %s, %s) AS cents",
                         (old, old + extra, MARCH_1, period_end, at)).fetchone()["cents"]
    assert_that(got, equal_to(expected))


@pure
@given(price=st.integers(1, 2_000_000), tier=st.sampled_from(["free", "pro", "premium", "vip"]),
       payout_percent=st.integers(0, 100))
@example(price=1235, tier="vip", payout_percent=70)
@example(price=5, tier="pro", payout_percent=70)
def test_a_paid_purchase_splits_into_payout_and_fee_that_add_up(shared, faker, price, tier, payout_percent):
    with shared.transaction(force_rollback=True):
        shared.execute("UPDATE meta.settings SET value = %s WHERE name = 'author_payout_percent'", (str(payout_percent),))
        discount = shared.execute("SELECT marketplace_discount_percent AS d FROM plans WHERE tier = %s",
                                  (tier,)).fetchone()["d"]
        buyer = create_user(shared, faker, tier=tier)
        workflow = create_workflow(shared, faker, price_cents=price)
        order_id = billing.buy_workflow(shared, faker, buyer["id"], workflow["id"], MARCH_1)
        ledger = {row["kind"]: row["amount_cents"] for row in shared.execute(
            "SELECT kind, sum(amount_cents) AS amount_cents FROM transactions WHERE order_id = %s GROUP BY kind",
            (order_id,))}
    amount = half_up(Fraction(price * (100 - discount), 100))
    payout = amount * payout_percent // 100
    assert_that(ledger.get("charge"), equal_to(amount))
    assert_that(ledger.get("payout", 0), equal_to(payout))
    assert_that(ledger.get("payout", 0) + ledger.get("platform_fee", 0), equal_to(amount))


def test_a_refund_is_granted_up_to_the_last_moment_of_the_window(fresh, faker):
    _, connection = fresh
    buyer = create_user(connection, faker)
    order_id = billing.buy_workflow(connection, faker, buyer["id"], create_workflow(connection, faker, price_cents=900)["id"],
                                    MARCH_1)
    too_late = attempt(lambda: connection.execute("SELECT refund(%s, %s)",
                                                  (order_id, MARCH_1 + timedelta(days=14, microseconds=1))))
    assert_that(too_late.code, equal_to("refund_window_closed"))
    connection.execute("SELECT refund(%s, %s)", (order_id, MARCH_1 + timedelta(days=14)))
    assert_that(connection.execute("SELECT status FROM orders WHERE id = %s", (order_id,)).fetchone(),
                has_entries(status="refunded"))


def test_a_provider_reference_belongs_to_one_payment_only(fresh, faker):
    _, connection = fresh
    first, second = (billing.order_plan(connection, create_user(connection, faker)["id"], "pro", MARCH_1)
                     for _ in range(2))
    billing.pay(connection, faker, first, 1900, MARCH_1, reference="pi_shared")
    reused = attempt(lambda: billing.pay(connection, faker, second, 1900, MARCH_1, reference="pi_shared"))
    declined_as_well = attempt(lambda: connection.execute(
        "SELECT decline_payment(%s, 'stripe', 'pi_shared', 'card', 1900, 'do not honor', %s)", (first, MARCH_1)))
    assert_that([reused.code, declined_as_well.code], only_contains("reference_reused"))


def run_concurrently(url: str, statement: str, arguments_per_caller: list[tuple]) -> list:
    """Each caller on its own connection, all at once; returns the results or refusals in order."""
    def call(arguments):
        with psycopg.connect(url, autocommit=True) as connection:
            outcome = {}
            refusal = attempt(lambda: outcome.update(value=connection.execute(statement, arguments).fetchone()[0]))
            return refusal or outcome["value"]
    with ThreadPoolExecutor(max_workers=len(arguments_per_caller)) as pool:
        return list(pool.map(call, arguments_per_caller))


def test_the_same_confirmation_delivered_concurrently_records_one_payment(fresh, faker):
    url, connection = fresh
    order_id = billing.order_plan(connection, create_user(connection, faker)["id"], "premium", MARCH_1)
    results = run_concurrently(url, "SELECT confirm_payment(%s, 'stripe', 'pi_race', 'card', 4900, %s)",
                               [(order_id, MARCH_1)] * 8)
    assert_that(set(results), has_length(1))
    assert_that(connection.execute("SELECT count(*) AS n FROM payments").fetchone()["n"], equal_to(1))
    assert_that(connection.execute("SELECT kind, amount_cents FROM transactions").fetchall(),
                contains_exactly(has_entries(kind="charge", amount_cents=4900)))


def test_concurrent_plan_orders_of_one_user_open_one_order(fresh, faker):
    url, connection = fresh
    user_id = create_user(connection, faker)["id"]
    results = run_concurrently(url, "SELECT order_plan(%s, 'pro', %s)", [(user_id, MARCH_1)] * 8)
    refusals = [result.code for result in results if not isinstance(result, int)]
    assert_that(refusals, has_length(7))
    assert_that(refusals, only_contains("order_already_open"))


def test_concurrent_refunds_of_one_order_refund_it_once(fresh, faker):
    url, connection = fresh
    buyer = create_user(connection, faker)
    order_id = billing.buy_workflow(connection, faker, buyer["id"],
                                    create_workflow(connection, faker, price_cents=2500)["id"], MARCH_1)
    results = run_concurrently(url, "SELECT refund(%s, %s)", [(order_id, MARCH_1 + timedelta(days=1))] * 6)
    assert_that([result for result in results if isinstance(result, int)], contains_exactly(2500))
    assert_that(connection.execute("SELECT sum(amount_cents) AS total FROM transactions WHERE order_id = %s",
                                   (order_id,)).fetchone()["total"], equal_to(0))
