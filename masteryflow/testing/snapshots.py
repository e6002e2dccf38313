"""A fingerprint of every table's content, to prove an operation that failed changed nothing."""

from __future__ import annotations

import psycopg
from psycopg import sql

TABLES_QUERY = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2
"""


def fingerprint(connection: psycopg.Connection) -> dict[str, tuple[int, str]]:
    """{schema.table: (row count, md5 of all rows in a stable order)} for every user table."""
    tables = connection.execute(TABLES_QUERY).fetchall()
    return {f"{_value(row, 0)}.{_value(row, 1)}": _table_fingerprint(connection, _value(row, 0), _value(row, 1))
            for row in tables}


def fingerprint_of(url: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(url, connect_timeout=5) as connection:
        return fingerprint(connection)


def differences(before: dict, after: dict) -> list[str]:
    """Plain sentences naming each table whose content changed."""
    changed = []
    for table in sorted(set(before) | set(after)):
        if before.get(table) != after.get(table):
            was, now = before.get(table, (None, None)), after.get(table, (None, None))
            changed.append(f"{table}: {was[0]} rows before, {now[0]} after"
                           + ("" if was[0] != now[0] else " (same count, different content)"))
    return changed


def _table_fingerprint(connection, schema: str, table: str) -> tuple[int, str]:
    query = sql.SQL("SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
                    "FROM {}.{} AS t").format(sql.Identifier(schema), sql.Identifier(table))
    row = connection.execute(query).fetchone()
    return _value(row, 0), _value(row, 1)


def _value(row, index: int):
    """Works with tuple rows and dict rows alike."""
    return list(row.values())[index] if isinstance(row, dict) else row[index]
