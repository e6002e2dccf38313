"""Orders, payment attempts and the ledger entries they cause, as the billing rules produce them.

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
            self.world.log(at, None, "payment_declined", "payment", payment,
                           f'{{"order_kind": "{order.kind}", "reason": "{payment.failure_reason}"}}', order.buyer)
        elif status == "succeeded":
            self.collect(order, payment)
        return payment

    def collect(self, order: Order, payment: Payment) -> None:
        at = payment.attempted_at
        self.entry("charge", order.buyer, order, payment, payment.amount_cents, f"{order.purpose} payment", at)
        order.amount_paid_cents += payment.amount_cents
        if order.amount_paid_cents < order.amount_due_cents:
            order.status = "partially_paid"
            return
        order.status, order.paid_at = "paid", at
        self.world.log(at, order.buyer, "order_paid", "order", order,
                       f'{{"kind": "{order.kind}", "amount_cents": {order.amount_due_cents}}}')
        if order.kind == "one_time":
            payout = author_payout_cents(order.amount_due_cents)
            self.entry("payout", order.workflow.author, order, payment, payout, "author payout (70 %)", at)
            self.entry("platform_fee", None, order, payment, order.amount_due_cents - payout, "platform fee (30 %)", at)

    def refund(self, order: Order, at: int) -> None:
        """Reverse every succeeded payment of the order: refund, payout and platform fee."""
        for entry in [e for e in self.world.ledger if e.order is order and e.kind != "refund"]:
            kind = "refund" if entry.kind == "charge" else entry.kind
            self.entry(kind, entry.user, order, entry.payment, -entry.amount_cents, f"reversal of {entry.kind}", at)
            if entry.kind == "charge":
                entry.payment.status, entry.payment.refunded_at = "refunded", at
        order.status, order.refunded_at = "refunded", at
        self.world.log(at, order.buyer, "order_refunded", "order", order,
                       f'{{"amount_cents": {order.amount_due_cents}}}')

    def entry(self, kind, user, order, payment, amount_cents, description, at) -> None:
        self.world.ledger.append(LedgerEntry(kind, user, order, payment, amount_cents, description, at))

    def confirmed_twice(self, payment: Payment) -> None:
        """O5: the provider confirmed the same reference again; nothing new is recorded but the notice."""
        self.world.log(payment.attempted_at + MINUTE, None, "payment_confirmation_replayed", "payment", payment,
                       f'{{"provider_reference": "{payment.reference}"}}', payment.order.buyer)
        self.world.scenarios["O5"] += 1
