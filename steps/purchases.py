"""What a customer bought (setup only: the rows as they already are)."""

from parameter_types import one_of
from behave import given, register_type

from masteryflow.testing.builders import purchases
from masteryflow.testing.cast import meet
from masteryflow.testing.scene import listing, next_moment

register_type(PurchaseHistory=one_of("has never bought", "bought", "got a refund for", "has an unpaid order for"))


@given("{name:Person} {history:PurchaseHistory} {title:Title}")
def step_purchase_history(context, name, history, title):
    buyer, workflow, moment = meet(context, name)["id"], listing(context, title), next_moment(context)
    if history == "bought":
        purchases.create_paid_purchase(context.db, buyer, workflow, paid_at=moment)
    elif history == "got a refund for":
        purchases.create_refunded_purchase(context.db, buyer, workflow, paid_at=moment)
    elif history == "has an unpaid order for":
        purchases.create_unpaid_purchase(context.db, buyer, workflow, ordered_at=moment)
