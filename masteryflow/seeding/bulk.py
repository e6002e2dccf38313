"""Bulk-load the way pg_restore does: data first, then indexes and foreign keys.

Inside the load's transaction, the seeded tables' foreign keys and secondary indexes are dropped,
the rows copied, then the indexes rebuilt and the foreign keys added back, which checks every
row in one pass per key instead of one lookup per row. Definitions come from the catalog, so
whatever the schema declares is restored exactly; if a row breaks a rule, the transaction rolls
back and the schema and data are as they were.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

FOREIGN_KEYS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
ORDER BY conrelid::regclass::text, conname"""

SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1"""


def defer_keys(cursor: psycopg.Cursor, tables: tuple[str, ...]) -> list[sql.Composable]:
    """Drop the tables' foreign keys and secondary indexes; return the statements restoring them."""
    foreign_keys = cursor.execute(FOREIGN_KEYS, (list(tables),)).fetchall()
    indexes = cursor.execute(SECONDARY_INDEXES, (list(tables),)).fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
    for index, _ in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(index)))
    return [sql.SQL(definition) for _, definition in indexes] + [
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(sql.SQL(table), sql.Identifier(name), sql.SQL(definition))
        for table, name, definition in foreign_keys]


def restore_keys(cursor: psycopg.Cursor, statements: list[sql.Composable]) -> None:
    """Rebuild the indexes, then add the foreign keys back: each checks all rows in one pass."""
    for statement in statements:
        cursor.execute(statement)
