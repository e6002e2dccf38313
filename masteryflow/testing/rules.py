"""Calling one of the platform's business functions (schema/*_rules.sql) by name."""

from __future__ import annotations

from psycopg import sql


def rule_call(function_name: str, argument_count: int) -> sql.Composed:
    """`SELECT * FROM function_name(%s, ...)` with one placeholder per argument."""
    return sql.SQL("SELECT * FROM {}({})").format(
        sql.Identifier(function_name), sql.SQL(", ").join(sql.Placeholder() * argument_count))


def call(db, function_name: str, *args):
    """The row the function returns (a dict on the scenario connections)."""
    return db.execute(rule_call(function_name, len(args)), args).fetchone()
