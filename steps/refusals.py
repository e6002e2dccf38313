"""Steps about requests the platform refuses: the explanation given, and that nothing changed."""

import parameter_types  # noqa: F401
from behave import then
from hamcrest import assert_that, contains_string, empty, is_, not_none

from masteryflow.testing.snapshots import differences, fingerprint


@then("the request is refused, saying {explanation:Text}")
def step_refused_saying(context, explanation):
    assert_that(context.refusal, not_none(), "the request was accepted")
    assert_that(context.refusal.sentence, contains_string(explanation))


@then("nothing has changed on the platform")
def step_nothing_changed(context):
    assert_that(differences(context.state_before, fingerprint(context.db)), is_(empty()))
