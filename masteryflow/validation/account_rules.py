"""Business rules about accounts: tiers follow subscriptions."""

from __future__ import annotations

from masteryflow.validation.findings import CheckList, Finding, Probe, rule

checks = CheckList("rules: accounts")

LIVE = "('trialing', 'active', 'past_due')"


@checks.add
def tier_follows_live_subscription(probe: Probe) -> Finding:
    query = f"""
        SELECT 'user ' || u.id || ': on ' || u.tier || ', live subscription ' || coalesce(s.tier, 'none')
        FROM users u LEFT JOIN subscriptions s ON s.user_id = u.id AND s.status IN {LIVE}
        WHERE u.tier <> coalesce(s.tier, 'free')"""
    return rule(probe, query,
                holds="every user's tier is their live subscription's tier, or Free without one",
                broken="{n} user(s) whose tier differs from their live subscription")


@checks.add
def vip_starts_when_fully_paid(probe: Probe) -> Finding:
    query = """
        SELECT 'subscription ' || s.id || ': VIP for user ' || s.user_id || ' from ' || s.started_at
               || coalesce(', contract paid ' || o.paid_at, ', no paid VIP contract')
        FROM subscriptions s
        LEFT JOIN LATERAL (SELECT min(paid_at) AS paid_at FROM orders
                           WHERE buyer_id = s.user_id AND kind = 'vip_custom' AND status = 'paid') o ON true
        WHERE s.tier = 'vip' AND (o.paid_at IS NULL OR s.started_at < o.paid_at)"""
    return rule(probe, query, holds="VIP starts only once a VIP contract is fully paid",
                broken="{n} VIP subscription(s) started before their contract was fully paid")
