"""Ledger: the money adds up (transactions' sign convention is documented on the transactions table)."""

from __future__ import annotations

from masteryflow.validation.findings import CheckList, Finding, Probe, rule

checks = CheckList("ledger")

KEPT_PAYMENT = "p.status = 'succeeded'"
TAKEN_PAYMENT = "p.status IN ('succeeded', 'refunded')"  # a refunded payment had succeeded first


@checks.add
def user_ledger_balances(probe: Probe) -> Finding:
    query = f"""
        WITH ledger AS (SELECT user_id, sum(amount_cents) AS net FROM transactions
                        WHERE kind IN ('charge', 'refund') GROUP BY user_id),
             kept AS (SELECT o.buyer_id AS user_id, sum(p.amount_cents) AS net
                      FROM payments p JOIN orders o ON o.id = p.order_id WHERE {KEPT_PAYMENT} GROUP BY o.buyer_id)
        SELECT 'user ' || user_id || ': charges + refunds = ' || coalesce(ledger.net, 0)
               || ' cents, succeeded - refunded payments = ' || coalesce(kept.net, 0) || ' cents'
        FROM ledger FULL JOIN kept USING (user_id) WHERE coalesce(ledger.net, 0) <> coalesce(kept.net, 0)"""
    return rule(probe, query,
                holds="for every user, charges + refunds = succeeded payments - refunded payments",
                broken="{n} user(s) whose ledger does not balance: charges + refunds differ from "
                       "succeeded payments - refunded payments")


@checks.add
def one_charge_per_taken_payment(probe: Probe) -> Finding:
    query = f"""
        SELECT 'payment ' || p.id || ' (' || p.status || '): ' || count(t.id) || ' charge(s)'
        FROM payments p LEFT JOIN transactions t ON t.payment_id = p.id AND t.kind = 'charge'
        GROUP BY p.id, p.status HAVING count(t.id) <> CASE WHEN {TAKEN_PAYMENT} THEN 1 ELSE 0 END"""
    return rule(probe, query,
                holds="every succeeded payment has exactly one charge, other attempts none",
                broken="{n} payment(s) with a wrong number of charges (a confirmation counted twice or lost)")


@checks.add
def order_paid_amount_matches_payments(probe: Probe) -> Finding:
    query = f"""
        SELECT 'order ' || o.id || ': amount paid ' || o.amount_paid_cents || ' cents, payments taken '
               || coalesce(sum(p.amount_cents) FILTER (WHERE {TAKEN_PAYMENT}), 0) || ' cents'
        FROM orders o LEFT JOIN payments p ON p.order_id = o.id
        GROUP BY o.id, o.amount_paid_cents
        HAVING o.amount_paid_cents <> coalesce(sum(p.amount_cents) FILTER (WHERE {TAKEN_PAYMENT}), 0)"""
    return rule(probe, query, holds="every order's amount paid is the sum of its succeeded payments",
                broken="{n} order(s) whose amount paid differs from their succeeded payments")


@checks.add
def purchase_split_adds_up(probe: Probe) -> Finding:
    query = """
        SELECT 'order ' || o.id || ': payout + platform fee = '
               || coalesce(sum(t.amount_cents) FILTER (WHERE t.kind IN ('payout', 'platform_fee')), 0)
               || ' cents, charge + refund = '
               || coalesce(sum(t.amount_cents) FILTER (WHERE t.kind IN ('charge', 'refund')), 0) || ' cents'
        FROM orders o JOIN transactions t ON t.order_id = o.id WHERE o.kind = 'one_time' GROUP BY o.id
        HAVING coalesce(sum(t.amount_cents) FILTER (WHERE t.kind IN ('payout', 'platform_fee')), 0)
            <> coalesce(sum(t.amount_cents) FILTER (WHERE t.kind IN ('charge', 'refund')), 0)"""
    return rule(probe, query, holds="for every one-time purchase, payout + platform fee = charge + refund",
                broken="{n} one-time purchase(s) whose payout and platform fee do not add up to what the buyer paid")


@checks.add
def author_payout_is_share_rounded_down(probe: Probe) -> Finding:
    query = """
        SELECT 'order ' || o.id || ': charge ' || sums.charged || ' cents, payout ' || sums.paid_out || ' cents'
        FROM orders o
        JOIN LATERAL (SELECT coalesce(sum(t.amount_cents) FILTER (WHERE t.kind = 'charge'), 0) AS charged,
                             coalesce(sum(t.amount_cents) FILTER (WHERE t.kind = 'payout' AND t.amount_cents > 0), 0)
                                 AS paid_out
                      FROM transactions t WHERE t.order_id = o.id) sums ON true
        WHERE o.kind = 'one_time' AND sums.charged > 0
          AND sums.paid_out <> floor(sums.charged * setting_int('author_payout_percent') / 100.0)"""
    return rule(probe, query,
                holds="every author payout is 70 % of the purchase amount, rounded down to the cent",
                broken="{n} one-time purchase(s) whose author payout is not 70 % of the amount rounded down")


@checks.add
def payout_goes_to_the_author(probe: Probe) -> Finding:
    query = """
        SELECT 'transaction ' || t.id || ': payout to user ' || t.user_id || ', author is user ' || w.author_id
        FROM transactions t JOIN orders o ON o.id = t.order_id JOIN workflows w ON w.id = o.workflow_id
        WHERE t.kind = 'payout' AND t.user_id IS DISTINCT FROM w.author_id"""
    return rule(probe, query, holds="every payout goes to the author of the workflow bought",
                broken="{n} payout(s) credited to someone other than the workflow's author")


@checks.add
def refunds_within_window(probe: Probe) -> Finding:
    query = """
        SELECT 'payment ' || p.id || ': refunded ' || (p.refunded_at - o.paid_at) || ' after its order was paid'
        FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE p.status = 'refunded' AND p.refunded_at > o.paid_at + setting_interval('refund_window')"""
    return rule(probe, query, holds="every refund happens within 14 days of the order being paid",
                broken="{n} refund(s) made after the 14-day refund window")


@checks.add
def vip_orders_reach_minimum(probe: Probe) -> Finding:
    query = """
        SELECT 'order ' || o.id || ': ' || o.amount_due_cents || ' cents' FROM orders o JOIN plans p ON p.tier = 'vip'
        WHERE o.kind = 'vip_custom' AND o.amount_due_cents < p.monthly_price_cents"""
    return rule(probe, query, holds="every VIP contract is worth at least 199 USD",
                broken="{n} VIP order(s) below the 199 USD minimum")
