"""Orders, payment attempts and the ledger entries they cause, as the billing rules produce them
(schema 010-012), with the activities those functions log.

Ledger sign convention (schema 003): charge +, refund -, payout and platform_fee + when earned and
- when a refund reverses them. Only one-time purchases are split into payout and platform_fee.
"""

from __future__ import annotations

from masteryflow.seeding.clock import MINUTE
from masteryflow.seeding.rules import author_payout_cents
from masteryflow.seeding.world import LedgerEntry, Order, Payment, User, World

PROVIDERS = {"card": ("stripe", "pi"), "sepa_debit": ("stripe", "pi"), "paypal": ("paypal", "PAYID"),
             "bank_transfer": ("wise", "TRF")}
DECLINE_REASONS = ("card_declined", "insufficient_funds", "expired_card", "do_not_honor")


class Billing:
    def __init__(self, world: World, rng) -> None:
        self.world, self.rng = world, rng

    def order(self, kind: str, purpose: str, buyer: User, at: int, list_price_cents: int, **links) -> Order:
        placed = Order(kind, purpose, buyer, at, list_price_cents, **links)
        self.world.orders.append(placed)
        by_platform = purpose == "renewal"
        self.world.log(at, None if by_platform else buyer, "order_placed", "order", placed, placed_details(placed),
                       buyer if by_platform else None)
        return placed

    def method(self) -> str:
        return self.rng.choices(("card", "paypal", "sepa_debit"), (75, 15, 10))[0]

    def attempt(self, order: Order, at: int, status: str, method: str, amount_cents: int | None = None) -> Payment:
        """One payment attempt; a success charges the buyer and may complete the order."""
        provider, prefix = PROVIDERS[method]
        amount = amount_cents or order.amount_due_cents - order.amount_paid_cents
        number = len(self.world.payments)
        payment = Payment(
            order=order, provider=provider, reference=f"{prefix}_{self.rng.getrandbits(48):012x}{number:06x}",
            method=method, amount_cents=amount, status=status,
            failure_reason=self.rng.choice(DECLINE_REASONS) if status == "declined" else None,
            attempt_number=order.attempts + 1,
            attempted_at=at,
        )
        order.attempts += 1
        self.world.payments.append(payment)
        if status == "declined":
            self.world.log(at, None, "payment_declined", "order", order,
                           lambda: f'{{"payment_id": {payment.id}, "reason": "{payment.failure_reason}"}}', order.buyer)
        elif status == "succeeded":
            self.collect(order, payment)
        return payment

    def collect(self, order: Order, payment: Payment) -> None:
        at = payment.attempted_at
        self.entry("charge", order.buyer, order, payment, payment.amount_cents,
                   f"payment for a {order.purpose.replace('_', ' ')} order", at)
        order.amount_paid_cents += payment.amount_cents
        if order.amount_paid_cents < order.amount_due_cents:
            order.status = "partially_paid"
            self.world.log(at, order.buyer, "installment_paid", "order", order,
                           f'{{"amount_cents": {payment.amount_cents}, '
                           f'"left_cents": {order.amount_due_cents - order.amount_paid_cents}}}')
            return
        order.status, order.paid_at = "paid", at
        if order.kind == "one_time":
            self.split(order, payment, at)
        self.world.log(at, order.buyer, "order_paid", "order", order,
                       f'{{"purpose": "{order.purpose}", "amount_cents": {order.amount_due_cents}}}')

    def split(self, order: Order, payment: Payment, at: int) -> None:
        """A paid purchase: the author's payout and the platform's fee (split_purchase, schema 011)."""
        payout, author = author_payout_cents(order.amount_due_cents), order.workflow.author
        self.entry("payout", author, order, payment, payout, "author share of a workflow sale", at)
        self.entry("platform_fee", None, order, payment, order.amount_due_cents - payout,
                   "platform share of a workflow sale", at)
        self.world.log(at, order.buyer, "workflow_purchased", "workflow", order.workflow,
                       lambda: f'{{"order_id": {order.id}, "payout_cents": {payout}}}', author)

    def refund(self, order: Order, at: int) -> None:
        """Reverse every succeeded payment of the order: refund, payout and platform fee."""
        for entry in [e for e in self.world.ledger if e.order is order and e.kind != "refund"]:
            kind = "refund" if entry.kind == "charge" else entry.kind
            description = "refund of a purchase" if entry.kind == "charge" else "reversed by a refund"
            self.entry(kind, entry.user, order, entry.payment, -entry.amount_cents, description, at)
            if entry.kind == "charge":
                entry.payment.status, entry.payment.refunded_at = "refunded", at
        order.status, order.refunded_at = "refunded", at
        self.world.log(at, order.buyer, "order_refunded", "order", order,
                       f'{{"amount_cents": {order.amount_paid_cents}}}',
                       order.workflow.author if order.workflow else None)

    def entry(self, kind, user, order, payment, amount_cents, description, at) -> None:
        self.world.ledger.append(LedgerEntry(kind, user, order, payment, amount_cents, description, at))

    def confirmed_twice(self, payment: Payment) -> None:
        """O5: the provider confirmed the same reference again; nothing new is recorded but the notice."""
        self.world.log(payment.attempted_at + MINUTE, None, "payment_confirmation_replayed", "payment", payment,
                       f'{{"provider_reference": "{payment.reference}"}}', payment.order.buyer)
        self.world.scenarios["O5"] += 1


def placed_details(order: Order) -> str:
    """What order_plan, order_workflow, order_vip_contract and renew_subscription log with order_placed."""
    if order.kind == "one_time":
        return (f'{{"purpose": "purchase", "workflow_id": {order.workflow.id}, '
                f'"amount_cents": {order.amount_due_cents}}}')
    return f'{{"purpose": "{order.purpose}", "tier": "{order.tier}", "amount_cents": {order.amount_due_cents}}}'
