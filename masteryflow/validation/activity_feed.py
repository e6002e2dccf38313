"""The activity feed: the entries the SQL functions (schema 010-021) log for the rows they write."""

from __future__ import annotations

from masteryflow.validation.findings import CheckList, Finding, Probe, rule

checks = CheckList("activity feed")


def logged(action: str, subject_type: str, subject_id: str, at: str, also: str = "") -> str:
    """SQL: an activity of this action about this subject at this moment exists."""
    return (f"EXISTS (SELECT 1 FROM activities a WHERE a.action = '{action}' AND a.subject_type = '{subject_type}' "
            f"AND a.subject_id = {subject_id} AND a.created_at = {at} {also})")


@checks.add
def orders_were_logged_when_placed(probe: Probe) -> Finding:
    query = f"""SELECT 'order ' || o.id || ', placed at ' || o.created_at FROM orders o
                WHERE NOT {logged('order_placed', 'order', 'o.id', 'o.created_at')}"""
    return rule(probe, query, holds="every order has the order_placed activity of the moment it was placed",
                broken="{n} order(s) without an order_placed activity when placed")


@checks.add
def declined_payments_were_logged(probe: Probe) -> Finding:
    query = f"""SELECT 'payment ' || p.id || ' of order ' || p.order_id FROM payments p
                WHERE p.status = 'declined'
                  AND NOT {logged('payment_declined', 'order', 'p.order_id', 'p.attempted_at',
                                  "AND a.details->>'payment_id' = p.id::text")}"""
    return rule(probe, query, holds="every declined payment has a payment_declined activity about its order naming it",
                broken="{n} declined payment(s) without a payment_declined activity")


@checks.add
def ratings_were_logged(probe: Probe) -> Finding:
    query = f"""SELECT 'rating ' || r.id || ' of workflow ' || r.workflow_id FROM ratings r
                WHERE NOT {logged('workflow_rated', 'rating', 'r.id', 'r.created_at')}
                   OR NOT {logged('workflow_rated', 'rating', 'r.id', 'r.updated_at',
                                  "AND (a.details->>'stars')::int = r.stars")}"""
    return rule(probe, query, holds="every rating has a workflow_rated activity when given and when last changed",
                broken="{n} rating(s) without their workflow_rated activities")


@checks.add
def favorites_were_logged(probe: Probe) -> Finding:
    query = f"""SELECT 'favorite ' || f.id || ': user ' || f.user_id || ', workflow ' || f.workflow_id FROM favorites f
                WHERE NOT {logged('workflow_favorited', 'workflow', 'f.workflow_id', 'f.created_at',
                                  'AND a.actor_id = f.user_id')}"""
    return rule(probe, query, holds="every favorite has the workflow_favorited activity of the moment it was given",
                broken="{n} favorite(s) without a workflow_favorited activity")
