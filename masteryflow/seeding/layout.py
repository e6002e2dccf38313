"""The seven seeding files: which tables each holds, in dependency order, and their COPY columns."""

from __future__ import annotations

COLUMNS = {
    "users": "id email display_name role tier status country signed_up_at n8n_project_id",
    "subscriptions": "id user_id tier status monthly_price_cents current_period_start current_period_end "
                     "cancel_at_period_end scheduled_tier past_due_since started_at ended_at",
    "workflow_categories": "id parent_id name slug",
    "workflows": "id author_id category_id title slug description price_cents status n8n_workflow_id average_rating "
                 "rating_count favorite_count execution_count error_count created_at published_at",
    "orders": "id kind purpose buyer_id workflow_id tier subscription_id list_price_cents discount_cents "
              "amount_due_cents amount_paid_cents status created_at paid_at refunded_at",
    "payments": "id order_id provider provider_reference method amount_cents status failure_reason attempt_number "
                "attempted_at refunded_at",
    "executions": "id user_id workflow_id tier queue_priority mode status refusal_reason n8n_execution_id worker_id "
                  "requested_at started_at finished_at duration_ms error_message failed_node",
    "comments": "id workflow_id author_id parent_id body moderation_status created_at updated_at moderated_at "
                "moderated_by",
    "comment_reports": "id comment_id reporter_id reason details created_at",
    "ratings": "id workflow_id user_id stars review created_at updated_at",
    "favorites": "id workflow_id user_id created_at",
    "usage_logs": "id user_id period_month metric quantity updated_at",
    "transactions": "id kind user_id order_id payment_id amount_cents description created_at",
    "activities": "id actor_id recipient_id action subject_type subject_id details created_at",
    "worker_performance_logs": "id worker_id host n8n_version concurrency running_jobs jobs_completed jobs_failed "
                               "queue_waiting queue_active rss_bytes cpu_percent ready interval_seconds sampled_at",
}

FILES = {
    "01_users_seeding.sql": ("plans", "users", "subscriptions"),
    "02_workflows_seeding.sql": ("workflow_categories", "workflows"),
    "03_orders_seeding.sql": ("orders", "payments"),
    "04_executions_seeding.sql": ("executions",),
    "05_community_seeding.sql": ("comments", "comment_reports", "ratings", "favorites"),
    "06_logging_seeding.sql": ("usage_logs", "transactions", "activities"),
    "07_worker_seeding.sql": ("worker_performance_logs",),
}

SEEDED_TABLES = tuple(table for tables in FILES.values() for table in tables)
COPIED_TABLES = tuple(table for table in SEEDED_TABLES if table != "plans")
