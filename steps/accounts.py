"""Steps about customers: sign-up, tiers, plans (subscriptions) over time, the billing clock."""

import parameter_types  # noqa: F401
from behave import given, then, when
from hamcrest import (assert_that, contains_exactly, empty, only_contains, greater_than, has_entries, is_,
                      is_not, none)

from masteryflow.testing import billing_state
from masteryflow.testing.builders import billing
from masteryflow.testing.builders.accounts import record_usage, utc
from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.testing.cast import cast_of, meet
from masteryflow.testing.refusals import try_on

EARLIEST_SIGN_UP = utc(2026, 1, 5)


# --- setting the scene ---------------------------------------------------------------------------

@given('{person:Person} has an account with the email {email:Text}')
def step_account_with_email(context, person, email):
    meet(context, person, email=email)


@given("{person:Person} is a {tier:Tier} customer")
def step_customer_on_tier(context, person, tier):
    meet(context, person, tier=tier)


@given("{person:Person} has been on {tier:Tier} since {day:Date}")
def step_subscribed_since(context, person, tier, day):
    customer = meet(context, person, signed_up_at=min(EARLIEST_SIGN_UP, day))
    if tier != "free":
        billing.subscribe(context.db, context.faker, customer["id"], tier, cast_of(context).at(day))


@given("{person:Person} has started {runs:Count} runs in {month:Month}")
def step_runs_this_month(context, person, runs, month):
    record_usage(context.db, cast_of(context).person(person)["id"], month, runs)


# --- actions -------------------------------------------------------------------------------------

@when("{person:Person} signs up on {day:Date} with these details:")
def step_sign_up(context, person, day):
    details = context.table[0]
    user_id = context.db.execute("SELECT sign_up(%s, %s, %s, %s) AS id",
                                 (details["email"], details["name"], details["country"], day)).fetchone()["id"]
    cast_of(context).people[person] = {"id": user_id}
    cast_of(context).at(day)


@when("a visitor tries to sign up as {name:Text} with the email {email:Text} from {country:Text}")
def step_try_sign_up(context, name, email, country):
    try_on(context, lambda: context.db.execute("SELECT sign_up(%s, %s, %s)", (email, name, country)))


@when("{person:Person} schedules a downgrade to {tier:Tier} on {day:Date}")
def step_schedule_downgrade(context, person, tier, day):
    context.db.execute("SELECT schedule_downgrade(%s, %s, %s)",
                       (cast_of(context).person(person)["id"], tier, cast_of(context).at(day)))


@when("{person:Person} tries to schedule a downgrade to {tier:Tier} on {day:Date}")
def step_try_schedule_downgrade(context, person, tier, day):
    user_id = cast_of(context).person(person)["id"]
    try_on(context, lambda: context.db.execute("SELECT schedule_downgrade(%s, %s, %s)", (user_id, tier, day)))


@when("the daily billing runs on {day:Date}")
def step_billing_runs(context, day):
    billing.run_billing(context.db, cast_of(context).at(day))


# --- outcomes ------------------------------------------------------------------------------------

@then("{person:Person} is on the {tier:Tier} tier with {runs:Count} runs a month")
def step_on_tier_with_quota(context, person, tier, runs):
    plan = billing_state.user_plan(context.db, cast_of(context).person(person)["id"])
    assert_that(plan, has_entries(tier=tier, executions_per_month=runs))


@then("{person:Person} is on the {tier:Tier} tier with unlimited runs")
def step_on_tier_unlimited(context, person, tier):
    plan = billing_state.user_plan(context.db, cast_of(context).person(person)["id"])
    assert_that(plan, has_entries(tier=tier, executions_per_month=none()))


@then("{person:Person} holds no paid plan")
def step_no_paid_plan(context, person):
    assert_that(billing_state.subscriptions_of(context.db, cast_of(context).person(person)["id"]), is_(empty()))


@then("the activity feed shows that {person:Person} signed up")
def step_signed_up_activity(context, person):
    user_id = cast_of(context).person(person)["id"]
    assert_that(billing_state.activities_of(context.db, user_id, "signed_up"),
                contains_exactly(has_entries(actor_id=user_id, subject_type="user", subject_id=user_id)))


@then("the activity feed shows {person:Person}'s tier changed from {old:Tier} to {new:Tier}")
def step_tier_changed_activity(context, person, old, new):
    changes = billing_state.activities_of(context.db, cast_of(context).person(person)["id"], "tier_changed")
    assert_that(changes, is_not(empty()))
    assert_that(changes[-1]["details"], has_entries({"from": old, "to": new}))


@then("{person:Person}'s {tier:Tier} plan runs from {start:Date} to {end:Date}")
@then("{person:Person}'s {tier:Tier} plan is active and runs from {start:Date} to {end:Date}")
def step_plan_period(context, person, tier, start, end):
    plan = billing_state.latest_subscription(context.db, cast_of(context).person(person)["id"], tier)
    assert_that(plan, has_entries(status="active", current_period_start=start, current_period_end=end))


@then("{person:Person}'s VIP plan costs {price:Money} a month and runs from {start:Date} to {end:Date}")
def step_vip_plan(context, person, price, start, end):
    plan = billing_state.latest_subscription(context.db, cast_of(context).person(person)["id"], "vip")
    assert_that(plan, has_entries(status="active", monthly_price_cents=price, current_period_start=start,
                                  current_period_end=end))


@then("{person:Person}'s {tier:Tier} plan ended as {status:w} on {day:Date}")
def step_plan_ended(context, person, tier, status, day):
    plan = billing_state.latest_subscription(context.db, cast_of(context).person(person)["id"], tier)
    assert_that(plan, has_entries(status=status, ended_at=day))


@then("{person:Person}'s {tier:Tier} plan is past due since {day:Date}")
def step_plan_past_due(context, person, tier, day):
    plan = billing_state.latest_subscription(context.db, cast_of(context).person(person)["id"], tier)
    assert_that(plan, has_entries(status="past_due", past_due_since=day, ended_at=none()))


@then("{person:Person} has never held two live plans at once")
def step_never_two_plans(context, person):
    assert_that(billing_state.overlapping_subscriptions(context.db, cast_of(context).person(person)["id"]),
                is_(empty()))


@then("{person:Person}'s runs are queued ahead of every other tier")
def step_runs_go_first(context, person):
    run = request_free_run(context, cast_of(context).person(person)["id"], cast_of(context).now)
    other_priorities = [row["queue_priority"] for row in context.db.execute(
        "SELECT queue_priority FROM plans WHERE tier <> %s", (run["tier"],)).fetchall()]
    assert_that(run, has_entries(status="queued"))
    assert_that(other_priorities, only_contains(greater_than(run["queue_priority"])))


@then("{person:Person}'s next run on {day:Date} is refused because {pronoun:w} monthly runs are used up")
def step_run_over_quota(context, person, day, pronoun):
    run = request_free_run(context, cast_of(context).person(person)["id"], day)
    assert_that(run, has_entries(status="refused", refusal_reason="quota_exceeded"))


def request_free_run(context, user_id, at):
    """A run of a free marketplace workflow, requested through the platform's admission."""
    workflow = create_workflow(context.db, context.faker)
    return context.db.execute("SELECT (request_execution(%s, %s, 'manual', %s)).*",
                              (user_id, workflow["id"], at)).fetchone()
