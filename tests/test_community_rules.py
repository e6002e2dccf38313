"""Community rules (schema/021): rating right and averages, comments and replies, reports and
moderation, favorites; bad input (stars, text with quotes and unicode) as properties."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hamcrest import assert_that, contains_exactly, equal_to, has_entries, has_length, none
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from masteryflow.testing.builders import purchases
from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.testing.builders.community import create_comment
from masteryflow.testing.builders.executions import record_past_runs, record_refused_run
from masteryflow.testing.load import call_concurrently
from masteryflow.testing.rules import call
from rules_world import MARCH, database, db, faker, refusal_of, shared_database, template  # noqa: F401

MINUTE = timedelta(minutes=1)
PROPERTY = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
WHITESPACE = " \t\n\r\u00a0\u2003\u3000"  # blank for people, Python and the database alike
# Any text PostgreSQL can hold (no NUL, no lone surrogates).
STORABLE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
QUOTY_TEXT = st.one_of(STORABLE_TEXT, st.sampled_from(["O'Brien \"quoted\" \\ back", "'; DROP TABLE ratings; --",
                                                      "%s %(x)s {0}", "💥 émoji ✓", "\u202eright-to-left"]))


def visible(text: str) -> bool:
    """Has a character a reader would see (zero-width space and BOM are invisible too)."""
    return any(not (character.isspace() or character in "\u200b\ufeff") for character in text)


def runner_of(db, faker, workflow, **user_fields):
    """A customer with one admitted run of the workflow (the rating right)."""
    customer = create_user(db, faker, **user_fields)
    record_past_runs(db, customer["id"], workflow["id"], 1, between=(MARCH, MARCH))
    return customer


def rate(db, user, workflow, stars, review=None, at=MARCH):
    return call(db, "rate_workflow", user["id"], workflow["id"], stars, review, at)


def current(db, table, row_id):
    return db.execute(f"SELECT * FROM {table} WHERE id = %s", (row_id,)).fetchone()


def activities(db, action):
    return db.execute("SELECT * FROM activities WHERE action = %s ORDER BY id", (action,)).fetchall()


# --- ratings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("history, code", [
    ("nothing", "no_rating_right"),
    ("refused run", "no_rating_right"),
    ("refunded purchase", "no_rating_right"),
    ("unpaid order", "no_rating_right"),
    ("own workflow", "own_workflow"),
    ("suspended", "account_inactive"),
    ("archived listing", "workflow_unavailable"),
])
def test_only_users_with_the_rating_right_may_rate(db, faker, history, code):
    author = create_user(db, faker, role="author")
    workflow = create_workflow(db, faker, author_id=author["id"], price_cents=1500,
                               status="archived" if history == "archived listing" else "published")
    rater = author if history == "own workflow" else create_user(
        db, faker, status="suspended" if history == "suspended" else "active")
    if history == "refused run":
        record_refused_run(db, rater["id"], workflow["id"], at=MARCH)
    elif history == "refunded purchase":
        purchases.create_refunded_purchase(db, rater["id"], workflow, paid_at=MARCH - MINUTE)
    elif history == "unpaid order":
        purchases.create_unpaid_purchase(db, rater["id"], workflow, ordered_at=MARCH - MINUTE)
    elif history in ("suspended", "archived listing"):
        record_past_runs(db, rater["id"], workflow["id"], 1, between=(MARCH, MARCH))
    assert_that(refusal_of(db, "rate_workflow", rater["id"], workflow["id"], 5, None, MARCH), equal_to(code))


@pytest.mark.parametrize("ended", ["success", "error", "crashed"])
def test_any_admitted_run_gives_the_rating_right(db, faker, ended):
    workflow, customer = create_workflow(db, faker), create_user(db, faker)
    run = call(db, "request_execution", customer["id"], workflow["id"], "manual", MARCH)
    call(db, "start_execution", run["id"], "n8n-1", "worker-a", MARCH)
    call(db, "finish_execution", run["id"], ended, MARCH + MINUTE, "failed" if ended != "success" else None, None)
    assert_that(rate(db, customer, workflow, 4, at=MARCH + 2 * MINUTE), has_entries(stars=4))


@PROPERTY
@given(stars=st.one_of(st.integers(-2**31, 0), st.integers(6, 2**31 - 1), st.none()))
def test_stars_outside_one_to_five_are_refused(db, faker, stars):
    with db.transaction(force_rollback=True):
        workflow = create_workflow(db, faker)
        rater = runner_of(db, faker, workflow)
        assert_that(refusal_of(db, "rate_workflow", rater["id"], workflow["id"], stars, None, MARCH),
                    equal_to("invalid_stars"))


@PROPERTY
@given(votes=st.lists(st.tuples(st.integers(0, 4), st.integers(1, 5)), min_size=1, max_size=12))
def test_the_average_and_count_follow_each_raters_latest_rating(db, faker, votes):
    with db.transaction(force_rollback=True):
        workflow = create_workflow(db, faker)
        raters = [runner_of(db, faker, workflow) for _ in range(5)]
        latest = {}
        for minute, (rater, stars) in enumerate(votes):
            rate(db, raters[rater], workflow, stars, at=MARCH + minute * MINUTE)
            latest[rater] = stars
        expected = (Decimal(sum(latest.values())) / len(latest)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert_that(current(db, "workflows", workflow["id"]),
                    has_entries(average_rating=expected, rating_count=len(latest)))


@PROPERTY
@given(review=st.one_of(QUOTY_TEXT, st.text(st.sampled_from(WHITESPACE), max_size=8)))
def test_a_review_is_stored_exactly_as_written_and_a_blank_one_as_none(db, faker, review):
    blank = all(character in WHITESPACE for character in review)
    assume(blank or visible(review))
    with db.transaction(force_rollback=True):
        workflow = create_workflow(db, faker)
        rating = rate(db, runner_of(db, faker, workflow), workflow, 3, review)
        assert_that(rating["review"], none() if blank else equal_to(review))


def test_a_rating_cannot_be_changed_back_in_time(db, faker):
    workflow = create_workflow(db, faker)
    rater = runner_of(db, faker, workflow)
    rate(db, rater, workflow, 2, at=MARCH + MINUTE)
    assert_that(refusal_of(db, "rate_workflow", rater["id"], workflow["id"], 5, None, MARCH), equal_to("invalid_time"))


# --- comments ------------------------------------------------------------------------------------

def post(db, workflow, author, body, parent=None, at=MARCH):
    return call(db, "add_comment", workflow["id"], author["id"], body, parent["id"] if parent else None, at)


@PROPERTY
@given(body=st.text(st.sampled_from(WHITESPACE), max_size=20))
def test_a_comment_of_only_whitespace_is_refused(db, faker, body):
    with db.transaction(force_rollback=True):
        workflow, commenter = create_workflow(db, faker), create_user(db, faker)
        assert_that(refusal_of(db, "add_comment", workflow["id"], commenter["id"], body, None, MARCH),
                    equal_to("empty_comment"))


@PROPERTY
@given(body=QUOTY_TEXT.filter(visible))
def test_a_comment_is_stored_exactly_as_written(db, faker, body):
    with db.transaction(force_rollback=True):
        workflow, commenter = create_workflow(db, faker), create_user(db, faker)
        assert_that(post(db, workflow, commenter, body)["body"], equal_to(body))


def test_a_comment_longer_than_5000_characters_is_refused(db, faker):
    workflow, commenter = create_workflow(db, faker), create_user(db, faker)
    assert_that(refusal_of(db, "add_comment", workflow["id"], commenter["id"], "x" * 5001, None, MARCH),
                equal_to("comment_too_long"))


@pytest.mark.parametrize("parent_state, code", [
    ("other workflow", "reply_to_other_workflow"),
    ("hidden_pending_review", "comment_not_visible"),
    ("removed", "comment_not_visible"),
    ("unknown", "unknown_comment"),
])
def test_a_reply_answers_a_visible_comment_on_the_same_workflow(db, faker, parent_state, code):
    workflow, other = create_workflow(db, faker), create_workflow(db, faker)
    parent = create_comment(db, (other if parent_state == "other workflow" else workflow)["id"],
                            create_user(db, faker)["id"], "first", at=MARCH - MINUTE)
    if parent_state in ("hidden_pending_review", "removed"):
        db.execute("UPDATE comments SET moderation_status = %s WHERE id = %s", (parent_state, parent["id"]))
    parent_id = -1 if parent_state == "unknown" else parent["id"]
    assert_that(refusal_of(db, "add_comment", workflow["id"], create_user(db, faker)["id"], "reply", parent_id, MARCH),
                equal_to(code))


def test_nobody_is_notified_of_their_own_words(db, faker):
    author = create_user(db, faker, role="author")
    workflow, customer = create_workflow(db, faker, author_id=author["id"]), create_user(db, faker)
    question = post(db, workflow, customer, "How do I set the API key?")
    post(db, workflow, author, "In the credentials panel.", question, MARCH + MINUTE)
    post(db, workflow, customer, "Thanks!", question, MARCH + 2 * MINUTE)
    notified = [(row["action"], row["recipient_id"]) for row in
                db.execute("SELECT * FROM activities WHERE recipient_id IS NOT NULL ORDER BY id").fetchall()]
    assert_that(notified, contains_exactly(("comment_posted", author["id"]), ("comment_replied", customer["id"]),
                                           ("comment_posted", author["id"])))


# --- reports and moderation ----------------------------------------------------------------------

def report(db, comment, reporter, reason="spam", at=MARCH):
    return call(db, "report_comment", comment["id"], reporter["id"], reason, at)


def moderate(db, comment, moderator, decision, at=MARCH):
    return call(db, "moderate_comment", comment["id"], moderator["id"], decision, at)


@pytest.fixture
def reported_comment(db, faker):
    workflow = create_workflow(db, faker)
    return create_comment(db, workflow["id"], create_user(db, faker)["id"], "Buy cheap followers!",
                          at=MARCH - MINUTE)


def test_a_second_report_by_the_same_user_is_no_new_report(db, faker, reported_comment):
    reporter = create_user(db, faker)
    first = report(db, reported_comment, reporter)
    again = report(db, reported_comment, reporter, "abuse", MARCH + MINUTE)
    assert_that(again, equal_to(first))
    assert_that(activities(db, "comment_reported"), has_length(1))


def test_the_report_threshold_comes_from_the_settings(db, faker, reported_comment):
    db.execute("UPDATE meta.settings SET value = '2' WHERE name = 'moderation_report_threshold'")
    for minute in range(2):
        report(db, reported_comment, create_user(db, faker), at=MARCH + minute * MINUTE)
    assert_that(current(db, "comments", reported_comment["id"]),
                has_entries(moderation_status="hidden_pending_review"))


def test_after_a_restore_only_new_reports_count(db, faker, reported_comment):
    moderator = create_user(db, faker, role="moderator")
    for minute in range(3):
        report(db, reported_comment, create_user(db, faker), at=MARCH + minute * MINUTE)
    moderate(db, reported_comment, moderator, "restore", MARCH + 10 * MINUTE)
    for minute in range(11, 14):
        report(db, reported_comment, create_user(db, faker), at=MARCH + minute * MINUTE)
        expected = "hidden_pending_review" if minute == 13 else "visible"
        assert_that(current(db, "comments", reported_comment["id"]), has_entries(moderation_status=expected))
    assert_that(activities(db, "comment_hidden"), has_length(2))


@pytest.mark.parametrize("setup, actor, decision, code", [
    (None, "customer", "remove", "not_a_moderator"),
    (None, "author", "remove", "not_a_moderator"),
    (None, "moderator", "ban", "invalid_decision"),
    (None, "moderator", "restore", "nothing_to_restore"),
    ("removed", "admin", "restore", "already_removed"),
    ("removed", "moderator", "remove", "already_removed"),
])
def test_moderation_decisions_that_are_refused(db, faker, reported_comment, setup, actor, decision, code):
    if setup:
        moderate(db, reported_comment, create_user(db, faker, role="admin"), "remove")
    acting = create_user(db, faker, role=actor)
    assert_that(refusal_of(db, "moderate_comment", reported_comment["id"], acting["id"], decision, MARCH + MINUTE),
                equal_to(code))


def test_a_removed_comment_takes_no_more_reports(db, faker, reported_comment):
    moderate(db, reported_comment, create_user(db, faker, role="admin"), "remove")
    assert_that(refusal_of(db, "report_comment", reported_comment["id"], create_user(db, faker)["id"], "spam",
                           MARCH + MINUTE), equal_to("comment_removed"))


def test_simultaneous_reports_hide_the_comment_exactly_once(database, faker):
    url, db = database
    comment = create_comment(db, create_workflow(db, faker)["id"], create_user(db, faker)["id"], "spam!",
                             at=MARCH - MINUTE)
    reporters = [create_user(db, faker) for _ in range(24)]
    calls = [(comment["id"], reporter["id"], "spam", MARCH) for reporter in reporters for _ in range(2)]
    call_concurrently(url, "report_comment", calls, connections=12)
    assert_that(current(db, "comments", comment["id"]), has_entries(moderation_status="hidden_pending_review"))
    assert_that(activities(db, "comment_reported"), has_length(24))
    assert_that(activities(db, "comment_hidden"), has_length(1))


# --- favorites -----------------------------------------------------------------------------------

def test_unfavoriting_what_is_not_a_favorite_changes_nothing(db, faker):
    workflow, fan = create_workflow(db, faker), create_user(db, faker)
    assert_that(call(db, "unfavorite_workflow", fan["id"], workflow["id"], MARCH)["unfavorite_workflow"],
                equal_to(False))
    assert_that(activities(db, "workflow_unfavorited"), has_length(0))


def test_a_draft_cannot_be_favorited(db, faker):
    draft, fan = create_workflow(db, faker, status="draft"), create_user(db, faker)
    assert_that(refusal_of(db, "favorite_workflow", fan["id"], draft["id"], MARCH), equal_to("workflow_unavailable"))


def test_simultaneous_favorites_count_distinct_people(database, faker):
    url, db = database
    workflow = create_workflow(db, faker)
    fans = [create_user(db, faker) for _ in range(15)]
    calls = [(fan["id"], workflow["id"], MARCH) for fan in fans for _ in range(4)]
    call_concurrently(url, "favorite_workflow", calls, connections=12)
    assert_that(current(db, "workflows", workflow["id"]), has_entries(favorite_count=15))
    assert_that(activities(db, "workflow_favorited"), has_length(15))
