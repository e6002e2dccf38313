"""Business rules about runs: usage, quota, entitlement, priority, timeouts, workflow counters."""

from __future__ import annotations

from masteryflow.validation.findings import CheckList, Finding, Probe, rule

checks = CheckList("rules: runs")

ADMITTED = "status <> 'refused'"


@checks.add
def usage_counts_admitted_runs(probe: Probe) -> Finding:
    query = f"""
        WITH runs AS (SELECT user_id, month_of(requested_at) AS month, count(*) AS n FROM executions
                      WHERE {ADMITTED} GROUP BY 1, 2),
             usage AS (SELECT user_id, period_month AS month, quantity AS n FROM usage_logs WHERE metric = 'executions')
        SELECT 'user ' || user_id || ' in ' || to_char(month, 'YYYY-MM') || ': usage says ' || coalesce(usage.n, 0)
               || ', admitted runs ' || coalesce(runs.n, 0)
        FROM runs FULL JOIN usage USING (user_id, month) WHERE coalesce(runs.n, 0) <> coalesce(usage.n, 0)"""
    return rule(probe, query, holds="each user's monthly usage equals the runs admitted that month",
                broken="{n} user-month(s) whose recorded usage differs from the runs admitted")


@checks.add
def quota_never_exceeded(probe: Probe) -> Finding:
    query = f"""
        SELECT 'user ' || e.user_id || ' in ' || to_char(month_of(e.requested_at), 'YYYY-MM') || ': '
               || count(*) || ' runs admitted, quota ' || max(p.executions_per_month)
        FROM executions e JOIN plans p ON p.tier = e.tier WHERE e.{ADMITTED}
        GROUP BY e.user_id, month_of(e.requested_at)
        HAVING bool_and(p.executions_per_month IS NOT NULL) AND count(*) > max(p.executions_per_month)"""
    return rule(probe, query, holds="no user on a limited tier gets more runs in a month than the tier's quota",
                broken="{n} user-month(s) with more runs admitted than the tier's monthly quota")


@checks.add
def runs_carry_their_tier_priority(probe: Probe) -> Finding:
    query = """
        SELECT 'run ' || e.id || ': ' || e.tier || ' with priority ' || e.queue_priority || ', plan says '
               || p.queue_priority
        FROM executions e JOIN plans p ON p.tier = e.tier WHERE e.queue_priority <> p.queue_priority"""
    return rule(probe, query, holds="every run carries its tier's queue priority",
                broken="{n} run(s) queued with a priority other than their tier's")


@checks.add
def success_within_tier_timeout(probe: Probe) -> Finding:
    query = """
        SELECT 'run ' || e.id || ': ' || e.status || ' after ' || e.duration_ms || ' ms, ' || e.tier
               || ' timeout ' || p.run_timeout_seconds || ' s'
        FROM executions e JOIN plans p ON p.tier = e.tier
        WHERE (e.status IN ('success', 'error') AND e.duration_ms > p.run_timeout_seconds * 1000)
           OR (e.status = 'timeout' AND e.duration_ms < p.run_timeout_seconds * 1000)"""
    return rule(probe, query,
                holds="no run ends as success or error after its tier's timeout; every timeout lasted that long",
                broken="{n} run(s) whose outcome contradicts the tier's timeout (a success longer than the timeout, "
                       "or a timeout shorter)")


@checks.add
def paid_workflows_run_only_when_entitled(probe: Probe) -> Finding:
    query = f"""
        SELECT 'run ' || e.id || ': user ' || e.user_id || ' (' || e.tier || ') ran paid workflow ' || w.id
        FROM executions e JOIN workflows w ON w.id = e.workflow_id
        WHERE e.{ADMITTED} AND w.price_cents > 0 AND e.tier <> 'vip' AND w.author_id <> e.user_id
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.kind = 'one_time' AND o.buyer_id = e.user_id
                            AND o.workflow_id = e.workflow_id AND o.paid_at <= e.requested_at
                            AND (o.refunded_at IS NULL OR o.refunded_at > e.requested_at))"""
    return rule(probe, query,
                holds="paid workflows run only for buyers with a paid, unrefunded purchase (or VIP, or the author)",
                broken="{n} run(s) of a paid workflow admitted without a paid, unrefunded purchase")


@checks.add
def workflow_run_counters_match(probe: Probe) -> Finding:
    query = f"""
        SELECT 'workflow ' || w.id || ': counts ' || w.execution_count || ' runs / ' || w.error_count
               || ' errors, rows show ' || coalesce(r.runs, 0) || ' admitted / ' || coalesce(r.errors, 0)
               || ' ended in error or timeout'
        FROM workflows w
        LEFT JOIN (SELECT workflow_id, count(*) FILTER (WHERE {ADMITTED}) AS runs,
                          count(*) FILTER (WHERE status IN ('error', 'timeout')) AS errors
                   FROM executions GROUP BY workflow_id) r ON r.workflow_id = w.id
        WHERE w.execution_count <> coalesce(r.runs, 0) OR w.error_count <> coalesce(r.errors, 0)"""
    return rule(probe, query,
                holds="every workflow counts its admitted runs, and as errors its runs ended in error or timeout",
                broken="{n} workflow(s) whose run or error counter differs from the runs recorded")
