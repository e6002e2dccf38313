"""Run history "as it already is": finished runs with the usage and counters they left behind."""

from __future__ import annotations

from datetime import datetime


def record_past_runs(db, user_id: int, workflow_id: int, count: int, *, between: tuple[datetime, datetime],
                     failed: int = 0, seconds_each: int = 1) -> None:
    """`count` finished runs spread evenly over `between` (the first `failed` of them in error),
    counted in the user's monthly usage and the workflow's counters like admitted runs are.

    All runs must fall in one calendar month (usage is booked to the month of the first one).
    """
    if count == 0:
        return
    first, last = between
    db.execute(
        """INSERT INTO executions (user_id, workflow_id, tier, queue_priority, status, n8n_execution_id,
                                   worker_id, requested_at, started_at, finished_at, duration_ms,
                                   error_message, failed_node)
           SELECT u.id, %(workflow)s, u.tier, p.queue_priority, run.status, NULL, 'worker-history',
                  run.at, run.at, run.at + make_interval(secs => %(seconds)s), %(seconds)s * 1000,
                  CASE WHEN run.status = 'error' THEN 'simulated failure' END,
                  CASE WHEN run.status = 'error' THEN 'HTTP Request' END
           FROM users u JOIN plans p ON p.tier = u.tier,
                LATERAL (SELECT CASE WHEN i <= %(failed)s THEN 'error' ELSE 'success' END AS status,
                                %(first)s::timestamptz + (%(last)s::timestamptz - %(first)s::timestamptz)
                                                         * ((i - 1)::float / %(count)s) AS at
                         FROM generate_series(1, %(count)s) AS i) AS run
           WHERE u.id = %(user)s""",
        {"user": user_id, "workflow": workflow_id, "count": count, "failed": failed, "seconds": seconds_each,
         "first": first, "last": last},
    )
    _add_usage(db, user_id, first, "executions", count)
    _add_usage(db, user_id, first, "execution_seconds", count * seconds_each)
    db.execute("UPDATE workflows SET execution_count = execution_count + %s, error_count = error_count + %s "
               "WHERE id = %s", (count, failed, workflow_id))


def record_refused_run(db, user_id: int, workflow_id: int, *, at: datetime, reason: str = "not_entitled") -> dict:
    run = db.execute(
        """INSERT INTO executions (user_id, workflow_id, tier, queue_priority, status, refusal_reason, requested_at)
           SELECT u.id, %s, u.tier, p.queue_priority, 'refused', %s, %s
           FROM users u JOIN plans p ON p.tier = u.tier WHERE u.id = %s RETURNING *""",
        (workflow_id, reason, at, user_id),
    ).fetchone()
    _add_usage(db, user_id, at, "refused_executions", 1)
    return run


def _add_usage(db, user_id: int, at: datetime, metric: str, quantity: int) -> None:
    db.execute("SELECT add_monthly_usage(%s, month_of(%s), %s, %s, %s)", (user_id, at, metric, quantity, at))
