"""Subscription histories (domain.md T2-T6, O1, O3, O6): each user's journey as orders, payments,
subscriptions, tier changes and activities, the way the billing functions would have recorded them.
"""

from __future__ import annotations

from masteryflow.seeding.billing import Billing
from masteryflow.seeding.clock import AS_OF, DAY, HOUR, MINUTE, add_month, epoch, iso, ts
from masteryflow.seeding.rules import GRACE_PERIOD_DAYS, NULL, PLANS, prorated_upgrade_cents
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import Subscription, User, World, number_by_time

OCTOBER, NOVEMBER = epoch(2026, 10, 1), epoch(2026, 11, 1)
RECENT = AS_OF - 27 * DAY  # a subscription started after this is still in its first period


class Journeys:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = stream(world.seed, "subscriptions")
        self.billing = Billing(world, stream(world.seed, "subscription_payments"))

    # --- building blocks -------------------------------------------------------------------
    def between(self, low: int, high: int) -> int:
        return self.rng.randrange(low, max(low + 1, high))

    def change_tier(self, user: User, tier: str, at: int, reason: str, by_platform: bool = False) -> None:
        self.world.log(at, None if by_platform else user, "tier_changed", "user", user,
                       f'{{"from": "{user.tier}", "to": "{tier}", "reason": "{reason}"}}', user)
        user.become(tier, at)

    def subscribe(self, user: User, tier: str, at: int) -> Subscription:
        """T2: a paid subscription order activates the tier at once."""
        sub = Subscription(user, tier, "active", PLANS[tier].monthly_price_cents, at, add_month(at), at)
        order = self.billing.order("subscription", "new_subscription", user, at, sub.monthly_price_cents,
                                   tier=tier, subscription=sub)
        self.billing.attempt(order, at, "succeeded", self.billing.method())
        self.world.subscriptions.append(sub)
        self.change_tier(user, tier, at, "new_subscription")
        self.world.scenarios["T2" if tier == "pro" else "subscribed"] += 1
        return sub

    def renewal(self, sub: Subscription, outcomes: tuple[str, ...], gaps_days: tuple[int, ...]):
        """O1/O3/T6: a renewal order at period end and its attempts (declined ones mark past_due)."""
        due = sub.period_end
        order = self.billing.order("subscription", "renewal", sub.user, due, sub.monthly_price_cents,
                                   tier=sub.tier, subscription=sub)
        method = self.billing.method()
        for outcome, gap in zip(outcomes, gaps_days):
            at = due + gap * DAY + self.rng.randrange(5 * MINUTE)
            self.billing.attempt(order, at, outcome, method)
            if outcome == "declined" and sub.past_due_since is None:
                sub.status, sub.past_due_since = "past_due", at
                self.world.log(at, None, "subscription_past_due", "subscription", sub,
                               lambda: f'{{"order_id": {order.id}}}', sub.user)
            if outcome == "succeeded":
                sub.status, sub.past_due_since = "active", None
                sub.period_start, sub.period_end = due, add_month(due)
                self.world.log(at, None, "subscription_renewed", "subscription", sub,
                               f'{{"period_end": "{iso(sub.period_end)}"}}', sub.user)
        return order

    def end(self, sub: Subscription, status: str, at: int) -> None:
        sub.status, sub.ended_at, sub.past_due_since = status, at, None

    def vip_contract(self, user: User, at: int, installments: int, method: str = "bank_transfer"):
        """T4/O6: a negotiated vip_custom order; VIP starts when the last installment arrives."""
        price = 19_900 + 500 * self.rng.randrange(0, 120)
        order = self.billing.order("vip_custom", "vip_contract", user, at, price, tier="vip")
        for number in range(installments):
            share = price // installments if number < installments - 1 else price - price // installments * number
            paid = at + (number * 6 + self.rng.randrange(1, 3)) * DAY
            if paid >= AS_OF:
                break
            self.billing.attempt(order, paid, "succeeded", method, share)
        if order.status == "paid":
            sub = Subscription(user, "vip", "active", price, order.paid_at, add_month(order.paid_at), order.paid_at)
            order.subscription = sub
            self.world.subscriptions.append(sub)
        return order

    # --- journeys (one method per journey name of users.JOURNEYS) -------------------------
    def pro_new(self, user):       self.subscribe(user, "pro", self.between(max(user.signed_up_at + HOUR, RECENT), AS_OF - HOUR))
    def premium_new(self, user):   self.subscribe(user, "premium", self.between(max(user.signed_up_at + HOUR, RECENT), AS_OF - HOUR))

    def pro_cancel_pending(self, user):
        sub = self.subscribe(user, "pro", self.between(RECENT, AS_OF - 3 * DAY))
        sub.cancel_at_period_end = True
        self.world.log(self.between(sub.started_at + HOUR, AS_OF - HOUR), user, "cancellation_scheduled",
                       "subscription", sub, f'{{"effective_at": "{iso(sub.period_end)}"}}')

    def premium_downgrade_pending(self, user):
        """T5 in progress: Premium limits apply until the period ends, then Pro."""
        sub = self.subscribe(user, "premium", self.between(RECENT, AS_OF - 3 * DAY))
        sub.scheduled_tier = "pro"
        self.world.log(self.between(sub.started_at + HOUR, AS_OF - HOUR), user, "downgrade_scheduled",
                       "subscription", sub, downgrade_details(sub))
        self.world.scenarios["T5"] += 1

    def pro_renewed(self, user):
        """O1: one or two monthly renewals, each an order, a succeeded payment and a charge."""
        months = self.rng.choice((1, 2))
        start = self.between(max(user.signed_up_at, OCTOBER - 29 * DAY if months == 2 else OCTOBER) + DAY,
                             (OCTOBER if months == 2 else NOVEMBER) - 3 * DAY)
        sub = self.subscribe(user, "pro", start)
        while sub.period_end < AS_OF:
            self.renewal(sub, ("succeeded",), (0,))
            self.world.scenarios["O1"] += 1

    def pro_heavy(self, user):
        """E6 needs a Pro user for the whole of November: renewed once, early in the month."""
        sub = self.subscribe(user, "pro", self.between(OCTOBER + DAY, OCTOBER + 25 * DAY))
        self.renewal(sub, ("succeeded",), (0,))
        self.world.scenarios["O1"] += 1

    def pro_retried(self, user):
        """O3: the renewal is declined twice, then succeeds within the grace period."""
        sub = self.subscribe(user, "pro", self.between(OCTOBER + DAY, OCTOBER + 20 * DAY))
        self.renewal(sub, ("declined", "declined", "succeeded"), (0, 1, 3))
        self.world.scenarios["O3"] += 1

    def pro_in_grace(self, user):
        """T6 in progress: the renewal was declined; the grace period is still running."""
        start = self.between(add_month_back(AS_OF - 5 * DAY), add_month_back(AS_OF - DAY))
        sub = self.subscribe(user, "pro", start)
        self.renewal(sub, ("declined",), (0,))

    def lapsed(self, user):
        """T6: declined three times, canceled when the 7-day grace period from the first decline ends,
        back on Free (as expire_lapsed_subscriptions, schema 010, records it)."""
        sub = self.subscribe(user, "pro", self.between(max(user.signed_up_at + DAY, epoch(2026, 9, 5)), OCTOBER + 14 * DAY))
        order = self.renewal(sub, ("declined", "declined", "declined"), (0, 2, 5))
        order.status = "failed"
        past_due_since = sub.past_due_since
        ended = past_due_since + GRACE_PERIOD_DAYS * DAY
        self.end(sub, "canceled", ended)
        self.world.log(ended, None, "subscription_canceled", "subscription", sub,
                       f'{{"reason": "renewal_lapsed", "past_due_since": "{iso(past_due_since)}"}}', user)
        self.change_tier(user, "free", ended, "renewal_lapsed", by_platform=True)
        self.world.scenarios["T6"] += 1

    def pro_downgraded(self, user):
        """T5 done: Premium until its period end, then a Pro subscription renewed at the Pro price."""
        premium = self.subscribe(user, "premium", self.between(OCTOBER + DAY, OCTOBER + 26 * DAY))
        premium.scheduled_tier = "pro"
        self.world.log(self.between(premium.started_at + HOUR, premium.period_end - DAY), user, "downgrade_scheduled",
                       "subscription", premium, downgrade_details(premium))
        switch = premium.period_end
        self.end(premium, "expired", switch)
        pro = Subscription(user, "pro", "active", PLANS["pro"].monthly_price_cents, switch, add_month(switch), switch)
        self.world.subscriptions.append(pro)
        order = self.billing.order("subscription", "renewal", user, switch, pro.monthly_price_cents, tier="pro",
                                   subscription=pro)
        self.billing.attempt(order, switch, "succeeded", self.billing.method())
        self.change_tier(user, "pro", switch, "scheduled_downgrade", by_platform=True)
        self.world.scenarios["T5"] += 1

    def premium_upgraded(self, user):
        """T3: Pro to Premium mid-cycle, prorated for the whole days left; the new one keeps the period end.
        The upgrade order points at the subscription it upgraded (as order_plan, schema 010, records it)."""
        pro = self.subscribe(user, "pro", self.between(RECENT, AS_OF - 6 * DAY))
        days_in_period = (pro.period_end - pro.period_start) // DAY
        days_used = self.rng.randrange(1, (AS_OF - pro.period_start) // DAY)
        at = pro.period_start + days_used * DAY
        price = prorated_upgrade_cents("pro", "premium", days_in_period - days_used, days_in_period)
        premium = Subscription(user, "premium", "active", PLANS["premium"].monthly_price_cents, at, pro.period_end, at)
        order = self.billing.order("subscription", "upgrade", user, at, price, tier="premium", subscription=pro)
        self.billing.attempt(order, at, "succeeded", self.billing.method())
        self.end(pro, "upgraded", at)
        self.world.subscriptions.append(premium)
        self.change_tier(user, "premium", at, "upgrade")
        self.world.scenarios["T3"] += 1

    def vip_new(self, user):
        order = self.vip_contract(user, self.between(max(user.signed_up_at + HOUR, RECENT), AS_OF - 3 * DAY), 1,
                                  self.rng.choice(("bank_transfer", "card")))
        self.change_tier(user, "vip", order.paid_at, "vip_contract")

    def vip_from_premium(self, user):
        """T4: Premium, then a negotiated VIP contract paid by bank transfer; VIP once fully paid."""
        premium = self.subscribe(user, "premium", self.between(RECENT, AS_OF - 8 * DAY))
        order = self.vip_contract(user, self.between(premium.started_at + DAY, AS_OF - 4 * DAY), 1)
        self.end(premium, "upgraded", order.paid_at)
        self.change_tier(user, "vip", order.paid_at, "vip_contract")
        self.world.scenarios["T4"] += 1

    def vip_installments(self, user):
        """O6: the contract stays partially_paid until the last of three installments arrives."""
        order = self.vip_contract(user, self.between(AS_OF - 25 * DAY, AS_OF - 17 * DAY), 3)
        self.change_tier(user, "vip", order.paid_at, "vip_contract")
        self.world.scenarios["O6"] += 1

    def premium_vip_pending(self, user):
        """T4/O6 pending: one of two installments paid; Premium limits still apply."""
        self.subscribe(user, "premium", self.between(RECENT, AS_OF - 8 * DAY))
        self.vip_contract(user, self.between(AS_OF - 6 * DAY, AS_OF - 3 * DAY), 2)
        self.world.scenarios["O6_pending"] += 1


def downgrade_details(sub: Subscription) -> str:
    """What schedule_downgrade (schema 010) logs."""
    return f'{{"from": "{sub.tier}", "to": "{sub.scheduled_tier}", "effective_at": "{iso(sub.period_end)}"}}'


def add_month_back(moment: int) -> int:
    """A start whose one-month period ends at about `moment` (the inverse of add_month, to the day)."""
    start = moment - 31 * DAY
    while add_month(start) < moment:
        start += DAY
    return start


def build_subscriptions(world: World) -> None:
    journeys = Journeys(world)
    for user in world.users:
        recipe = getattr(journeys, user.journey, None)
        if recipe is not None:
            recipe(user)
    replay_some_confirmations(journeys)
    number_by_time(world.subscriptions, lambda s: s.started_at)


def replay_some_confirmations(journeys: Journeys) -> None:
    for payment in journeys.world.payments:
        if payment.status == "succeeded" and journeys.rng.random() < 0.03:
            journeys.billing.confirmed_twice(payment)


def subscription_rows(world: World) -> list[tuple]:
    return [
        (str(s.id), str(s.user.id), s.tier, s.status, str(s.monthly_price_cents), ts(s.period_start),
         ts(s.period_end), "t" if s.cancel_at_period_end else "f", s.scheduled_tier or NULL,
         NULL if s.past_due_since is None else ts(s.past_due_since), ts(s.started_at),
         NULL if s.ended_at is None else ts(s.ended_at))
        for s in world.subscriptions
    ]
