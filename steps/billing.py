"""Steps about money: orders, payments, the ledger (charges, payouts, fees), refunds and purchases."""

import parameter_types  # noqa: F401
from behave import given, step, then, when
from hamcrest import assert_that, contains_exactly, equal_to, only_contains, greater_than, has_entries, has_length

from masteryflow.testing import billing_state
from masteryflow.testing.builders import billing
from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.testing.cast import cast_of, meet
from masteryflow.testing.refusals import try_on

ORDER_PURPOSES = {"upgrade": "upgrade", "renewal": "renewal", "purchase": "purchase", "VIP contract": "vip_contract"}


def customer_id(context, person):
    return cast_of(context).person(person)["id"]


def latest_order_id(context, person, purpose=None):
    return billing_state.latest_order(context.db, customer_id(context, person), purpose)["id"]


def purchase_order(context, person, title):
    workflow_id = cast_of(context).workflow(title)["id"]
    return context.db.execute("SELECT * FROM orders WHERE buyer_id = %s AND workflow_id = %s ORDER BY id DESC LIMIT 1",
                              (customer_id(context, person), workflow_id)).fetchone()


# --- setting the scene ---------------------------------------------------------------------------

@given("{person:Person} has published {title:Title} at {price:Money}")
@given("{person:Person} has published {title:Title} for free")
def step_published_workflow(context, person, title, price=0):
    author = meet(context, person, role="author")
    cast_of(context).workflows[title] = create_workflow(context.db, context.faker, author_id=author["id"],
                                                        price_cents=price, title=title)


@given("{person:Person} bought {title:Title} on {day:Date}")
def step_bought(context, person, title, day):
    billing.buy_workflow(context.db, context.faker, customer_id(context, person),
                         cast_of(context).workflow(title)["id"], cast_of(context).at(day))


@given("{person:Person} was refunded for {title:Title} on {day:Date}")
def step_was_refunded(context, person, title, day):
    context.db.execute("SELECT refund(%s, %s)", (purchase_order(context, person, title)["id"], cast_of(context).at(day)))


# --- ordering ------------------------------------------------------------------------------------

@step("{person:Person} has ordered the {tier:Tier} plan on {day:Date}")
@step("{person:Person} orders the {tier:Tier} plan on {day:Date}")
def step_order_plan(context, person, tier, day):
    billing.order_plan(context.db, customer_id(context, person), tier, cast_of(context).at(day))


@when("{person:Person} tries to order the {plan:w} plan on {day:Date}")
def step_try_order_plan(context, person, plan, day):
    user_id = customer_id(context, person)
    try_on(context, lambda: billing.order_plan(context.db, user_id, plan.lower(), day))


@when("{person:Person} agrees a VIP contract at {price:Money} a month on {day:Date}")
def step_vip_contract(context, person, price, day):
    billing.order_vip_contract(context.db, customer_id(context, person), price, cast_of(context).at(day))


@when("{person:Person} tries to agree a VIP contract at {price:Money} a month on {day:Date}")
def step_try_vip_contract(context, person, price, day):
    user_id = customer_id(context, person)
    try_on(context, lambda: billing.order_vip_contract(context.db, user_id, price, day))


@when("{person:Person} orders {title:Title} on {day:Date}")
def step_order_workflow(context, person, title, day):
    billing.order_workflow(context.db, customer_id(context, person), cast_of(context).workflow(title)["id"],
                           cast_of(context).at(day))


@when("{person:Person} tries to order {title:Title} on {day:Date}")
def step_try_order_workflow(context, person, title, day):
    user_id, workflow_id = customer_id(context, person), cast_of(context).workflow(title)["id"]
    try_on(context, lambda: billing.order_workflow(context.db, user_id, workflow_id, day))


@when("{person:Person} buys {title:Title} on {day:Date} and pays by card")
def step_buy(context, person, title, day):
    billing.buy_workflow(context.db, context.faker, customer_id(context, person),
                         cast_of(context).workflow(title)["id"], cast_of(context).at(day))


# --- paying --------------------------------------------------------------------------------------

@when("{person:Person} pays the order by {method:PaymentMethod} on {day:Date}")
def step_pay_order(context, person, method, day):
    order_id = latest_order_id(context, person)
    billing.pay(context.db, context.faker, order_id, billing.amount_due(context.db, order_id), cast_of(context).at(day),
                method=method)


@step("the {method:PaymentMethod} payment of {amount:Money} for {person:Person}'s order is confirmed on {day:Date}")
def step_payment_confirmed(context, method, amount, person, day):
    billing.pay(context.db, context.faker, latest_order_id(context, person), amount, cast_of(context).at(day),
                method=method)


@when("the bank transfer of {amount:Money} for {person:Person}'s order arrives on {day:Date}")
def step_bank_transfer(context, amount, person, day):
    billing.pay(context.db, context.faker, latest_order_id(context, person), amount, cast_of(context).at(day),
                method="bank_transfer")


@when('the provider confirms the {method:PaymentMethod} payment {reference:Text} of {amount:Money} '
      "for {person:Person}'s order on {day:Date}")
def step_provider_confirms(context, method, reference, amount, person, day):
    billing.pay(context.db, context.faker, latest_order_id(context, person), amount, cast_of(context).at(day),
                method=method, reference=reference)


@when("the provider tries to confirm a {method:w} payment of {amount:Money} for {person:Person}'s order on {day:Date}")
def step_try_payment(context, method, amount, person, day):
    order_id = latest_order_id(context, person)
    try_on(context, lambda: billing.pay(context.db, context.faker, order_id, amount, day, method=method))


@when("{person:Person}'s renewal payment of {amount:Money} by {method:PaymentMethod} succeeds on {day:Date}")
def step_renewal_paid(context, person, amount, method, day):
    billing.pay(context.db, context.faker, latest_order_id(context, person, "renewal"), amount,
                cast_of(context).at(day), method=method)


@when("{person:Person}'s renewal payment by {method:PaymentMethod} is declined on {day:Date} because {reason:Text}")
def step_renewal_declined(context, person, method, day, reason):
    order_id = latest_order_id(context, person, "renewal")
    billing.decline(context.db, context.faker, order_id, billing.amount_due(context.db, order_id), reason,
                    cast_of(context).at(day), method=method)


# --- refunds -------------------------------------------------------------------------------------

@when("{person:Person} asks for a refund of {title:Title} on {day:Date}")
def step_refund(context, person, title, day):
    context.db.execute("SELECT refund(%s, %s)", (purchase_order(context, person, title)["id"], cast_of(context).at(day)))


@when("{person:Person} tries to get a refund of {title:Title} on {day:Date}")
def step_try_refund(context, person, title, day):
    order_id = purchase_order(context, person, title)["id"]
    try_on(context, lambda: context.db.execute("SELECT refund(%s, %s)", (order_id, day)))


# --- outcomes ------------------------------------------------------------------------------------

@then("{person:Person} has been charged nothing")
def step_charged_nothing(context, person):
    assert_that(billing_state.ledger_rows(context.db, kind="charge", user_id=customer_id(context, person)),
                has_length(0))


@then("{person:Person} has been charged {amount:Money} once")
def step_charged_once(context, person, amount):
    assert_that(billing_state.ledger_rows(context.db, kind="charge", user_id=customer_id(context, person)),
                contains_exactly(has_entries(amount_cents=amount)))


@then("{person:Person} has been charged {amount:Money} for the {purpose}")
def step_charged_for(context, person, amount, purpose):
    order_id = latest_order_id(context, person, ORDER_PURPOSES[purpose])
    charges = billing_state.ledger_rows(context.db, kind="charge", order_id=order_id)
    assert_that(sum(charge["amount_cents"] for charge in charges), equal_to(amount))
    assert_that(charges, only_contains(has_entries(user_id=customer_id(context, person))))


@then("{person:Person}'s order asks for {amount:Money}")
def step_order_asks_for(context, person, amount):
    assert_that(billing_state.latest_order(context.db, customer_id(context, person)),
                has_entries(status="pending", amount_due_cents=amount))


@then("{person:Person}'s order is paid after {attempts:Count} attempt")
@then("{person:Person}'s order is paid after {attempts:Count} attempts")
def step_order_paid_after(context, person, attempts):
    assert_paid_after(context, billing_state.latest_order(context.db, customer_id(context, person)), attempts)


@then("{person:Person}'s renewal order is paid after {attempts:Count} attempt")
@then("{person:Person}'s renewal order is paid after {attempts:Count} attempts")
def step_renewal_paid_after(context, person, attempts):
    assert_paid_after(context, billing_state.latest_order(context.db, customer_id(context, person), "renewal"),
                      attempts)


def assert_paid_after(context, order, attempts):
    """Paid in full; the attempts numbered 1..n, the last one succeeded."""
    payments = billing_state.payments_of(context.db, order["id"])
    assert_that(order, has_entries(status="paid", amount_paid_cents=order["amount_due_cents"]))
    assert_that([payment["attempt_number"] for payment in payments], equal_to(list(range(1, attempts + 1))))
    assert_that(payments[-1], has_entries(status="succeeded"))


@then("{person:Person}'s renewal order has failed")
def step_renewal_failed(context, person):
    assert_that(billing_state.latest_order(context.db, customer_id(context, person), "renewal"),
                has_entries(status="failed", paid_at=None))


@then("{person:Person}'s order is partially paid with {left:Money} left to pay")
def step_partially_paid(context, person, left):
    order = billing_state.latest_order(context.db, customer_id(context, person))
    assert_that(order, has_entries(status="partially_paid", paid_at=None))
    assert_that(order["amount_due_cents"] - order["amount_paid_cents"], equal_to(left))


@then("{person:Person}'s charges and refunds add up to {pronoun:w} payments")
def step_ledger_balances(context, person, pronoun):
    balance = billing_state.ledger_balance(context.db, customer_id(context, person))
    assert_that(balance["charged"], equal_to(balance["paid"]))


@then("{person:Person} earns a payout of {amount:Money} from the sale")
def step_payout(context, person, amount):
    assert_that(billing_state.ledger_rows(context.db, kind="payout", user_id=customer_id(context, person)),
                contains_exactly(has_entries(amount_cents=amount)))


@then("the platform keeps a fee of {amount:Money} from the sale")
def step_platform_fee(context, amount):
    assert_that(billing_state.ledger_rows(context.db, kind="platform_fee"),
                contains_exactly(has_entries(amount_cents=amount)))


@then("{person:Person} gets {amount:Money} back for {title:Title}")
def step_refunded(context, person, amount, title):
    order = purchase_order(context, person, title)
    assert_that(order, has_entries(status="refunded"))
    assert_that(billing_state.ledger_rows(context.db, kind="refund", order_id=order["id"]),
                contains_exactly(has_entries(amount_cents=-amount, user_id=customer_id(context, person))))
    assert_that(billing_state.payments_of(context.db, order["id"]), only_contains(has_entries(status="refunded")))


@then("{person:Person}'s payout and the platform's fee from the sale are reversed")
def step_split_reversed(context, person):
    payouts = billing_state.ledger_rows(context.db, kind="payout", user_id=customer_id(context, person))
    fees = billing_state.ledger_rows(context.db, kind="platform_fee")
    for rows in (payouts, fees):
        earned = rows[0]["amount_cents"] if rows else 0
        assert_that(rows, contains_exactly(has_entries(amount_cents=greater_than(0)),
                                           has_entries(amount_cents=-earned)))


@then("{person:Person} can run {title:Title}")
def step_can_run(context, person, title):
    assert_that(request_run(context, person, title), has_entries(status="queued", refusal_reason=None))


@then("{person:Person} cannot run {title:Title}")
def step_cannot_run(context, person, title):
    assert_that(request_run(context, person, title), has_entries(status="refused", refusal_reason="not_entitled"))


def request_run(context, person, title):
    """A run request through the platform's admission, at the story's present moment."""
    return context.db.execute("SELECT (request_execution(%s, %s, 'manual', %s)).*",
                              (customer_id(context, person), cast_of(context).workflow(title)["id"],
                               cast_of(context).now)).fetchone()
