"""Business rules about the community: rating right, counters, moderation, replies."""

from __future__ import annotations

from masteryflow.validation.findings import CheckList, Finding, Probe, rule

checks = CheckList("rules: community")


@checks.add
def ratings_need_the_rating_right(probe: Probe) -> Finding:
    query = """
        WITH first_runs AS (SELECT user_id, workflow_id, min(requested_at) AS first_run FROM executions
                            WHERE status <> 'refused' GROUP BY user_id, workflow_id)
        SELECT 'rating ' || r.id || ': user ' || r.user_id || ' rated workflow ' || r.workflow_id
        FROM ratings r LEFT JOIN first_runs f ON f.user_id = r.user_id AND f.workflow_id = r.workflow_id
        WHERE (f.first_run IS NULL OR f.first_run > r.created_at)
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.kind = 'one_time' AND o.buyer_id = r.user_id
                            AND o.workflow_id = r.workflow_id AND o.paid_at <= r.created_at
                            AND (o.refunded_at IS NULL OR o.refunded_at > r.created_at))"""
    return rule(probe, query, holds="every rating comes from a user who ran or bought the workflow before rating it",
                broken="{n} rating(s) by users who had neither run nor bought the workflow")


@checks.add
def workflow_rating_counters_match(probe: Probe) -> Finding:
    query = """
        SELECT 'workflow ' || w.id || ': counts ' || w.rating_count || ' ratings averaging '
               || coalesce(w.average_rating::text, 'none') || ', rows show ' || coalesce(r.n, 0) || ' averaging '
               || coalesce(r.average::text, 'none')
        FROM workflows w
        LEFT JOIN (SELECT workflow_id, count(*) AS n, round(avg(stars), 2) AS average FROM ratings GROUP BY 1) r
               ON r.workflow_id = w.id
        WHERE w.rating_count <> coalesce(r.n, 0) OR w.average_rating IS DISTINCT FROM r.average"""
    return rule(probe, query, holds="every workflow's rating count and average follow its ratings",
                broken="{n} workflow(s) whose rating count or average differs from their ratings")


@checks.add
def workflow_favorite_counters_match(probe: Probe) -> Finding:
    query = """
        SELECT 'workflow ' || w.id || ': counts ' || w.favorite_count || ' favorites, '
               || coalesce(f.users, 0) || ' distinct users favorited it'
        FROM workflows w
        LEFT JOIN (SELECT workflow_id, count(DISTINCT user_id) AS users FROM favorites GROUP BY 1) f
               ON f.workflow_id = w.id
        WHERE w.favorite_count <> coalesce(f.users, 0)"""
    return rule(probe, query, holds="every workflow's favorite count is the number of distinct users who favorited it",
                broken="{n} workflow(s) whose favorite count differs from the distinct users who favorited it")


@checks.add
def hidden_comments_reached_the_threshold(probe: Probe) -> Finding:
    query = """
        SELECT 'comment ' || c.id || ': hidden with ' || count(DISTINCT r.reporter_id) || ' distinct reporter(s)'
        FROM comments c
        LEFT JOIN comment_reports r ON r.comment_id = c.id AND r.reporter_id <> c.author_id
        WHERE c.moderation_status = 'hidden_pending_review'
        GROUP BY c.id HAVING count(DISTINCT r.reporter_id) < setting_int('moderation_report_threshold')"""
    return rule(probe, query,
                holds="every comment hidden pending review was reported by at least 3 distinct users other than its author",
                broken="{n} hidden comment(s) with fewer than 3 distinct reporters")


@checks.add
def authors_do_not_report_themselves(probe: Probe) -> Finding:
    query = """
        SELECT 'report ' || r.id || ': user ' || r.reporter_id || ' reported their own comment ' || c.id
        FROM comment_reports r JOIN comments c ON c.id = r.comment_id WHERE r.reporter_id = c.author_id"""
    return rule(probe, query, holds="nobody reports their own comment",
                broken="{n} report(s) made by the comment's own author")


@checks.add
def replies_stay_on_the_workflow(probe: Probe) -> Finding:
    query = """
        SELECT 'comment ' || c.id || ' on workflow ' || c.workflow_id || ' replies to comment ' || p.id
               || ' on workflow ' || p.workflow_id
        FROM comments c JOIN comments p ON p.id = c.parent_id WHERE c.workflow_id <> p.workflow_id"""
    return rule(probe, query, holds="every reply stays on the workflow of the comment it answers",
                broken="{n} reply(ies) on another workflow than the comment they answer")
