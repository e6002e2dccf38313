"""Integrity: every foreign key and every unique key of the reference schema, checked on the rows.

Anti-joins and GROUP BY queries read the data itself, so an orphan or a duplicate is found also
when the live database lacks the constraint (dropped, deferred, or loaded without it).
"""

from __future__ import annotations

from functools import partial

from masteryflow.validation.catalog import Catalog, ForeignKey, UniqueKey
from masteryflow.validation.findings import Check, Finding, Probe, rule

CONCERN = "integrity"

# Plain words for the unique keys the platform's users care about; others are described generically.
UNIQUE_KEY_MEANINGS = {
    "users_email_lower_key": "emails are unique, ignoring case",
    "subscriptions_one_live_per_user": "a user holds at most one live subscription",
    "payments_provider_reference_key": "payment provider references (the idempotency keys) are unique",
    "workflows_slug_key": "workflow slugs are unique",
    "workflow_categories_slug_key": "category slugs are unique",
    "ratings_workflow_id_user_id_key": "a user rates a workflow at most once",
    "favorites_workflow_id_user_id_key": "a user favorites a workflow at most once",
    "comment_reports_comment_id_reporter_id_key": "a user reports a comment at most once",
    "usage_logs_user_id_period_month_metric_key": "one usage counter per user, month and metric",
}


def foreign_key_holds(key: ForeignKey, probe: Probe) -> Finding:
    child_columns = [f"c.{column}" for column in key.columns]
    matches = " AND ".join(f"p.{parent} = c.{child}" for child, parent in zip(key.columns, key.parent_columns))
    shown = " || ', ' || ".join(f"'{column} = ' || c.{column}" for column in key.columns)
    query = f"""SELECT '{key.table} id ' || c.id || ': ' || {shown} FROM {key.table} c
                WHERE {' AND '.join(f'{column} IS NOT NULL' for column in child_columns)}
                  AND NOT EXISTS (SELECT 1 FROM {key.parent} p WHERE {matches})"""
    return rule(probe, query,
                holds=f"every {key.table} row points at an existing {key.parent} row ({key.describe()})",
                broken=f"{{n}} {key.table} row(s) point at a {key.parent} row that does not exist ({key.describe()})")


def unique_key_holds(key: UniqueKey, probe: Probe) -> Finding:
    keys = ", ".join(key.keys)
    present = " AND ".join(f"({expression}) IS NOT NULL" for expression in key.keys)
    condition = f"{present} AND ({key.predicate})" if key.predicate else present
    shown = " || ', ' || ".join(f"quote_nullable(({expression})::text)" for expression in key.keys)
    query = f"""SELECT '({keys}) = ' || {shown} || ' on ' || count(*) || ' rows' FROM {key.table}
                WHERE {condition} GROUP BY {keys} HAVING count(*) > 1"""
    meaning = UNIQUE_KEY_MEANINGS.get(key.name, f"{key.describe()} is unique")
    return rule(probe, query, holds=meaning,
                broken=f"{{n}} value(s) appear more than once where {meaning} ({key.describe()})")


def checks(expected: Catalog) -> list[Check]:
    by_foreign_key = [Check(CONCERN, f"foreign key {key.describe()}", partial(foreign_key_holds, key))
                      for key in expected.foreign_keys]
    by_unique_key = [Check(CONCERN, f"unique {key.describe()}", partial(unique_key_holds, key))
                     for key in expected.unique_keys]
    return by_foreign_key + by_unique_key
