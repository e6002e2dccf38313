"""Bad input to the business SQL functions: whatever a client passes (unknown ids, bad tiers,
negative or huge amounts, text with quotes and unicode, NULLs), a call either succeeds
consistently or is refused with SQLSTATE MF000 and "<code>: <sentence>", changing nothing."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from hamcrest import assert_that, equal_to, matches_regexp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from business_world import build_world, remove_world
from masteryflow.testing.snapshots import differences, fingerprint

REFUSAL = re.compile(r"^[a-z][a-z0-9_]*: \S.*", re.DOTALL)
INT4, INT8 = 2**31 - 1, 2**63 - 1
NOW = datetime.now(timezone.utc)
EXAMPLES = int(os.environ.get("MASTERYFLOW_BAD_INPUT_EXAMPLES", "40"))

TRICKY_TEXT = ["", " ", "pro'; DROP TABLE users; --", "O'Brien \"the\" \\ user", "prémium", "VIP", "Pro ",
               "💥🚀", "a" * 5000, "\u202e", "%s %(x)s {0}", "NULL"]
TIERS = ["free", "pro", "premium", "vip", "gold", "", "FREE"]


def text():
    return st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=60).map(lambda s: s.replace("\x00", "")),
                     st.none())


def choices(valid):
    return st.one_of(st.sampled_from(valid), text())


def moments():
    return st.one_of(st.sampled_from([NOW, NOW + timedelta(days=3), NOW - timedelta(days=400),
                                      datetime(1970, 1, 1, tzinfo=timezone.utc),
                                      datetime(2999, 12, 31, tzinfo=timezone.utc)]),
                     st.none())


def amounts():
    return st.one_of(st.sampled_from([0, -1, 1, 1500, 1350, 1900, 19900, 20000, INT4, -INT4 - 1]),
                     st.integers(-INT4 - 1, INT4), st.none())


def stars():
    return st.one_of(st.integers(-3, 8), st.sampled_from([INT4, -INT4 - 1]), st.none())


@pytest.fixture(scope="module")
def world():
    built = build_world(f"mf_res_badinput_{os.getpid()}")
    yield built
    remove_world(built)


def ids(world, kind):
    return st.one_of(st.sampled_from(world.ids[kind]), st.sampled_from([0, -1, INT8, -INT8 - 1, 999_999]),
                     st.sampled_from(world.ids["user"] + world.ids["workflow"]), st.none())


OPERATIONS = {
    "sign_up": lambda w: (choices(["new@example.com", "NEW@example.com", "x@y", "a b@c.de"]), text(),
                          choices(["DE", "US", "de", "XXX"]), moments()),
    "order_plan": lambda w: (ids(w, "user"), choices(TIERS), moments()),
    "schedule_downgrade": lambda w: (ids(w, "user"), choices(TIERS), moments()),
    "renew_subscription": lambda w: (ids(w, "subscription"), moments()),
    "order_workflow": lambda w: (ids(w, "user"), ids(w, "workflow"), moments()),
    "order_vip_contract": lambda w: (ids(w, "user"), amounts(), moments()),
    "cancel_order": lambda w: (ids(w, "order"), moments()),
    "confirm_payment": lambda w: (ids(w, "order"), choices(["stripe", "Stripe", "bank-1"]),
                                  choices(["ref-1", "ref-2"]), choices(["card", "bank_transfer", "cash"]),
                                  amounts(), moments()),
    "decline_payment": lambda w: (ids(w, "order"), choices(["stripe"]), choices(["ref-3"]), choices(["card"]),
                                  amounts(), text(), moments()),
    "refund": lambda w: (ids(w, "order"), moments()),
    "request_execution": lambda w: (ids(w, "user"), ids(w, "workflow"),
                                    choices(["webhook", "trigger", "manual", "cron"]), moments()),
    "start_execution": lambda w: (ids(w, "execution"), text(), text(), moments()),
    "finish_execution": lambda w: (ids(w, "execution"), choices(["success", "error", "timeout", "crashed", "ok"]),
                                   moments(), text(), text()),
    "rate_workflow": lambda w: (ids(w, "user"), ids(w, "workflow"), stars(), text(), moments()),
    "add_comment": lambda w: (ids(w, "workflow"), ids(w, "user"), text(), ids(w, "comment"), moments()),
    "report_comment": lambda w: (ids(w, "comment"), ids(w, "user"), choices(["spam", "abuse", "rude"]), moments()),
    "moderate_comment": lambda w: (ids(w, "comment"), ids(w, "user"), choices(["restore", "remove", "ban"]),
                                   moments()),
    "favorite_workflow": lambda w: (ids(w, "user"), ids(w, "workflow"), moments()),
    "unfavorite_workflow": lambda w: (ids(w, "user"), ids(w, "workflow"), moments()),
}


def outcome(world, function, arguments):
    """('ok', result) or ('refused', message); any other database error fails the test."""
    try:
        return "ok", world.call(function, arguments)
    except psycopg.Error as error:
        if error.sqlstate != "MF000":
            raise AssertionError(f"{function}{arguments!r} raised {error.sqlstate} "
                                 f"instead of a clear refusal: {error.diag.message_primary}") from None
        return "refused", error.diag.message_primary


def dry_run(world, function, arguments):
    """The outcome inside a transaction that is rolled back (the world stays as it is)."""
    world.connection.execute("BEGIN")
    try:
        return outcome(world, function, arguments)
    finally:
        world.connection.execute("ROLLBACK")


@pytest.mark.parametrize("function", sorted(OPERATIONS))
def test_a_business_function_refuses_bad_input_clearly_and_changes_nothing(world, function):
    @given(data=st.data())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(data):
        arguments = tuple(data.draw(strategy) for strategy in OPERATIONS[function](world))
        rehearsal = dry_run(world, function, arguments)
        before = fingerprint(world.connection)
        kind, answer = outcome(world, function, arguments)
        assert_that(kind, equal_to(rehearsal[0]))  # the same call on the same state, the same answer
        if kind == "refused":
            assert_that(answer, matches_regexp(REFUSAL))
            assert_that(differences(before, fingerprint(world.connection)), equal_to([]))

    check()
