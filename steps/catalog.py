"""Workflow listings in a given state (setup only); authors publish them in steps/billing.py."""

from parameter_types import one_of
from behave import given, register_type

from masteryflow.testing.scene import listing

register_type(ListingState=one_of("draft", "published", "archived"))


@given("the listing of {title:Title} is {state:ListingState}")
def step_workflow_in_state(context, title, state):
    listing(context, title, status=state)
