"""The 22 scenarios as histories in the data: (code, title, what one history is, query listing them).

Each query returns one row per history, labelled ('user 42', 'order 17'...). Activity actions used:
signed_up, tier_changed, execution_refused, comment_hidden (named in the domain); notifications are
recognised by their recipient and subject, not by an action name.
"""

def logged(action: str, user: str, via: str = "subject") -> str:
    """An activity `action` about the user: as its subject (a user), or by `via` = actor / recipient."""
    about = (f"a.subject_type = 'user' AND a.subject_id = {user}" if via == "subject" else f"a.{via}_id = {user}")
    return f"EXISTS (SELECT 1 FROM activities a WHERE a.action = '{action}' AND {about})"


MONTHS = """(SELECT user_id, month_of(requested_at) AS month,
                    count(*) FILTER (WHERE status <> 'refused') AS admitted,
                    count(*) FILTER (WHERE refusal_reason = 'quota_exceeded') AS over_quota
             FROM executions GROUP BY 1, 2)"""

TIER_JOURNEYS = [
    ("T1", "Sign-up",
     "a user on Free with a signed_up activity, no subscription ever and no charge",
     f"""SELECT 'user ' || u.id FROM users u
         WHERE u.tier = 'free' AND {logged('signed_up', 'u.id')}
           AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.user_id = u.id AND t.kind = 'charge')"""),
    ("T2", "Free to Pro",
     "a paid new-subscription order for Pro that created the user's first subscription (Pro), "
     "with a charge and a tier_changed activity",
     f"""SELECT 'user ' || o.buyer_id || ', order ' || o.id FROM orders o JOIN subscriptions s ON s.id = o.subscription_id
         WHERE o.kind = 'subscription' AND o.purpose = 'new_subscription' AND o.tier = 'pro' AND o.status = 'paid'
           AND s.tier = 'pro' AND s.started_at >= o.created_at
           AND NOT EXISTS (SELECT 1 FROM subscriptions e WHERE e.user_id = s.user_id AND e.started_at < s.started_at)
           AND EXISTS (SELECT 1 FROM transactions t WHERE t.order_id = o.id AND t.kind = 'charge')
           AND {logged('tier_changed', 'o.buyer_id')}"""),
    ("T3", "Pro to Premium mid-cycle",
     "a Pro subscription ended as upgraded, a Premium subscription of the same user started during its period, "
     "and a paid upgrade order for Premium, pointing at the Pro subscription it upgraded, prorated: more than 0, "
     "at most the monthly price difference",
     """SELECT 'user ' || old.user_id || ', order ' || o.id
        FROM subscriptions old JOIN subscriptions new ON new.user_id = old.user_id AND new.tier = 'premium'
             JOIN orders o ON o.subscription_id = old.id AND o.purpose = 'upgrade'
                          AND o.tier = 'premium' AND o.status = 'paid'
             JOIN plans pro ON pro.tier = 'pro' JOIN plans premium ON premium.tier = 'premium'
        WHERE old.tier = 'pro' AND old.status = 'upgraded'
          AND new.started_at BETWEEN old.current_period_start AND old.current_period_end
          AND o.list_price_cents BETWEEN 1 AND premium.monthly_price_cents - pro.monthly_price_cents"""),
    ("T4", "Premium to VIP",
     "a paid VIP contract, paid (at least partly) by bank transfer, by a user who was on Premium before it, "
     "with VIP starting no earlier than the full payment and no VIP runs before it",
     """SELECT 'user ' || o.buyer_id || ', order ' || o.id FROM orders o
        WHERE o.kind = 'vip_custom' AND o.status = 'paid'
          AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.method = 'bank_transfer'
                        AND p.status = 'succeeded')
          AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = o.buyer_id AND s.tier = 'premium'
                        AND s.started_at <= o.created_at)
          AND EXISTS (SELECT 1 FROM subscriptions v WHERE v.user_id = o.buyer_id AND v.tier = 'vip'
                        AND v.started_at >= o.paid_at)
          AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.user_id = o.buyer_id AND e.tier = 'vip'
                            AND e.requested_at < o.paid_at)"""),
    ("T5", "Scheduled downgrade",
     "a Premium subscription with a scheduled downgrade to Pro, ended at its period end, followed by a Pro "
     "subscription starting then, and every run during the Premium period made as Premium",
     """SELECT 'user ' || old.user_id FROM subscriptions old
        JOIN subscriptions new ON new.user_id = old.user_id AND new.tier = 'pro'
                               AND new.started_at = old.current_period_end
        WHERE old.tier = 'premium' AND old.scheduled_tier = 'pro' AND old.ended_at = old.current_period_end
          AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.user_id = old.user_id AND e.tier <> 'premium'
                            AND e.requested_at >= old.current_period_start
                            AND e.requested_at < old.current_period_end)"""),
    ("T6", "Lapse",
     "a canceled subscription whose renewal order failed after at least 3 declined attempts, canceled exactly "
     "when the grace period (7 days) from the first declined attempt ended",
     """SELECT 'user ' || s.user_id || ', subscription ' || s.id FROM subscriptions s
        JOIN orders o ON o.subscription_id = s.id AND o.purpose = 'renewal' AND o.status = 'failed'
        WHERE s.status = 'canceled'
          AND (SELECT count(*) FROM payments p WHERE p.order_id = o.id AND p.status = 'declined') >= 3
          AND s.ended_at = (SELECT min(p.attempted_at) FROM payments p WHERE p.order_id = o.id AND p.status = 'declined')
                           + setting_interval('renewal_grace_period')"""),
]

ORDERS_AND_PAYMENTS = [
    ("O1", "Renewal",
     "a paid renewal order with a succeeded payment and a charge, whose subscription's period runs past the payment",
     """SELECT 'order ' || o.id FROM orders o JOIN subscriptions s ON s.id = o.subscription_id
        WHERE o.purpose = 'renewal' AND o.status = 'paid' AND s.current_period_end > o.paid_at
          AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'succeeded')
          AND EXISTS (SELECT 1 FROM transactions t WHERE t.order_id = o.id AND t.kind = 'charge')"""),
    ("O2", "One-time purchase",
     "a paid one-time order with a tier discount (one of the plans' percentages, rounded to the cent), "
     "an author payout and a platform fee, and a run of the workflow by the buyer after paying",
     """SELECT 'order ' || o.id FROM orders o
        WHERE o.kind = 'one_time' AND o.status = 'paid' AND o.discount_cents > 0
          AND EXISTS (SELECT 1 FROM plans p
                      WHERE o.discount_cents = round(o.list_price_cents * p.marketplace_discount_percent / 100.0))
          AND EXISTS (SELECT 1 FROM transactions t WHERE t.order_id = o.id AND t.kind = 'payout')
          AND EXISTS (SELECT 1 FROM transactions t WHERE t.order_id = o.id AND t.kind = 'platform_fee')
          AND EXISTS (SELECT 1 FROM executions e WHERE e.user_id = o.buyer_id AND e.workflow_id = o.workflow_id
                        AND e.status <> 'refused' AND e.requested_at >= o.paid_at)"""),
    ("O3", "Payment retry",
     "a paid order whose attempts are exactly: declined, declined, succeeded, with one charge",
     """SELECT 'order ' || o.id FROM orders o
        WHERE o.status = 'paid'
          AND (SELECT string_agg(p.status, ',' ORDER BY p.attempt_number) FROM payments p WHERE p.order_id = o.id)
              = 'declined,declined,succeeded'
          AND (SELECT count(*) FROM transactions t WHERE t.order_id = o.id AND t.kind = 'charge') = 1"""),
    ("O4", "Refund",
     "a refunded order whose payment was refunded within 14 days, with a refund that brings the order's "
     "charges back to zero",
     """SELECT 'order ' || o.id FROM orders o
        WHERE o.status = 'refunded'
          AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'refunded'
                        AND p.refunded_at <= p.attempted_at + setting_interval('refund_window'))
          AND EXISTS (SELECT 1 FROM transactions t WHERE t.order_id = o.id AND t.kind = 'refund')
          AND (SELECT sum(t.amount_cents) FROM transactions t
               WHERE t.order_id = o.id AND t.kind IN ('charge', 'refund')) = 0"""),
    ("O5", "Idempotent confirmation",
     "a succeeded payment whose confirmation the provider sent again (a payment_confirmation_replayed "
     "activity about it) and that still has exactly one charge (one payment row per reference is a unique key)",
     """SELECT 'payment ' || p.id FROM payments p
        WHERE p.status = 'succeeded'
          AND EXISTS (SELECT 1 FROM activities a WHERE a.action = 'payment_confirmation_replayed'
                        AND a.subject_type = 'payment' AND a.subject_id = p.id)
          AND (SELECT count(*) FROM transactions t WHERE t.payment_id = p.id AND t.kind = 'charge') = 1"""),
    ("O6", "VIP installments",
     "a paid VIP contract with at least 2 succeeded payments, paid when the last one came in, and VIP "
     "starting no earlier than that",
     """SELECT 'order ' || o.id FROM orders o
        JOIN LATERAL (SELECT count(*) AS installments, max(p.attempted_at) AS last_paid FROM payments p
                      WHERE p.order_id = o.id AND p.status = 'succeeded') i ON true
        WHERE o.kind = 'vip_custom' AND o.status = 'paid' AND i.installments >= 2 AND o.paid_at >= i.last_paid
          AND EXISTS (SELECT 1 FROM subscriptions v WHERE v.user_id = o.buyer_id AND v.tier = 'vip'
                        AND v.started_at >= o.paid_at)"""),
]

WORKFLOW_EXECUTIONS = [
    ("E1", "Within quota",
     "a user with runs admitted at their tier's queue priority, counted in that month's usage",
     """WITH admitted AS (SELECT e.user_id, month_of(e.requested_at) AS month FROM executions e
                           JOIN plans p ON p.tier = e.tier
                           WHERE e.status <> 'refused' AND e.queue_priority = p.queue_priority GROUP BY 1, 2)
        SELECT 'user ' || a.user_id FROM admitted a
        JOIN usage_logs u ON u.user_id = a.user_id AND u.metric = 'executions' AND u.period_month = a.month
                         AND u.quantity > 0
        GROUP BY a.user_id"""),
    ("E2", "Quota exceeded",
     "a user-month with exactly the Free quota (100) admitted and runs refused as quota_exceeded, an "
     "execution_refused activity for the user, and runs admitted again the next month",
     f"""SELECT 'user ' || m.user_id || ' in ' || to_char(m.month, 'YYYY-MM') FROM {MONTHS} m
         JOIN plans free ON free.tier = 'free'
         WHERE m.admitted = free.executions_per_month AND m.over_quota > 0
           AND EXISTS (SELECT 1 FROM executions e WHERE e.user_id = m.user_id AND e.tier = 'free'
                         AND e.refusal_reason = 'quota_exceeded' AND month_of(e.requested_at) = m.month)
           AND {logged('execution_refused', 'm.user_id', via='actor')}
           AND EXISTS (SELECT 1 FROM executions n WHERE n.user_id = m.user_id AND n.status <> 'refused'
                         AND month_of(n.requested_at) = (m.month + interval '1 month')::date)"""),
    ("E3", "Not entitled",
     "a run of a paid workflow refused as not_entitled to a non-VIP user without a paid, unrefunded "
     "purchase; counted only when the data also shows VIP users running paid workflows they never bought",
     """SELECT 'run ' || e.id FROM executions e JOIN workflows w ON w.id = e.workflow_id
        WHERE e.refusal_reason = 'not_entitled' AND w.price_cents > 0 AND e.tier <> 'vip'
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.kind = 'one_time' AND o.status = 'paid'
                            AND o.buyer_id = e.user_id AND o.workflow_id = e.workflow_id AND o.paid_at <= e.requested_at)
          AND EXISTS (SELECT 1 FROM executions v JOIN workflows vw ON vw.id = v.workflow_id
                      WHERE v.tier = 'vip' AND v.status <> 'refused' AND vw.price_cents > 0
                        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.kind = 'one_time' AND o.buyer_id = v.user_id
                                          AND o.workflow_id = v.workflow_id))"""),
    ("E4", "Error handling",
     "a failed run keeping its error message and failed node, counted in its month's usage, on a workflow "
     "whose error count is raised",
     """SELECT 'run ' || e.id FROM executions e JOIN workflows w ON w.id = e.workflow_id
        WHERE e.status = 'error' AND e.error_message IS NOT NULL AND e.failed_node IS NOT NULL AND w.error_count > 0
          AND EXISTS (SELECT 1 FROM usage_logs u WHERE u.user_id = e.user_id AND u.metric = 'executions'
                        AND u.period_month = month_of(e.requested_at) AND u.quantity > 0)"""),
    ("E5", "Timeout",
     "a run ended as timeout after lasting at least its tier's timeout",
     """SELECT 'run ' || e.id FROM executions e JOIN plans p ON p.tier = e.tier
        WHERE e.status = 'timeout' AND e.duration_ms >= p.run_timeout_seconds * 1000"""),
    ("E6", "High volume",
     "a Pro user-month with exactly the Pro quota (2,000) admitted and further requests refused as quota_exceeded",
     f"""SELECT 'user ' || m.user_id || ' in ' || to_char(m.month, 'YYYY-MM') FROM {MONTHS} m
         JOIN plans pro ON pro.tier = 'pro'
         WHERE m.admitted = pro.executions_per_month AND m.over_quota > 0
           AND EXISTS (SELECT 1 FROM executions e WHERE e.user_id = m.user_id AND e.tier = 'pro'
                         AND e.refusal_reason = 'quota_exceeded' AND month_of(e.requested_at) = m.month)"""),
]

COMMUNITY = [
    ("C1", "Ratings",
     "a rating updated after it was first given (a re-rating), by a user who ran or bought the workflow",
     """SELECT 'rating ' || r.id FROM ratings r
        WHERE r.updated_at > r.created_at
          AND (EXISTS (SELECT 1 FROM executions e WHERE e.user_id = r.user_id AND e.workflow_id = r.workflow_id
                         AND e.status <> 'refused')
               OR EXISTS (SELECT 1 FROM orders o WHERE o.kind = 'one_time' AND o.status = 'paid'
                            AND o.buyer_id = r.user_id AND o.workflow_id = r.workflow_id))"""),
    ("C2", "Comments",
     "a reply on the same workflow as the comment it answers, with a notification to the workflow's author about it",
     """SELECT 'comment ' || c.id FROM comments c
        JOIN comments parent ON parent.id = c.parent_id AND parent.workflow_id = c.workflow_id
        JOIN workflows w ON w.id = c.workflow_id
        WHERE EXISTS (SELECT 1 FROM activities a WHERE a.recipient_id = w.author_id
                        AND a.subject_type = 'comment' AND a.subject_id = c.id)"""),
    ("C3", "Moderation",
     "a comment reported by at least 3 distinct users (not its author), with a comment_hidden activity, "
     "then restored or removed by a moderator",
     """SELECT 'comment ' || c.id FROM comments c JOIN users moderator ON moderator.id = c.moderated_by
        WHERE moderator.role IN ('moderator', 'admin') AND c.moderation_status IN ('visible', 'removed')
          AND (SELECT count(DISTINCT r.reporter_id) FROM comment_reports r
               WHERE r.comment_id = c.id AND r.reporter_id <> c.author_id) >= setting_int('moderation_report_threshold')
          AND EXISTS (SELECT 1 FROM activities a WHERE a.action = 'comment_hidden' AND a.subject_type = 'comment'
                        AND a.subject_id = c.id)"""),
    ("C4", "Favorites",
     "a workflow favorited by at least 2 distinct users whose favorite count equals them",
     """SELECT 'workflow ' || w.id FROM workflows w
        JOIN (SELECT workflow_id, count(DISTINCT user_id) AS users FROM favorites GROUP BY 1) f ON f.workflow_id = w.id
        WHERE f.users >= 2 AND w.favorite_count = f.users"""),
]

HISTORIES = TIER_JOURNEYS + ORDERS_AND_PAYMENTS + WORKFLOW_EXECUTIONS + COMMUNITY
