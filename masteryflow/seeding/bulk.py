"""Bulk-load the way pg_restore does: data first, then indexes and foreign keys.

Inside the load's transaction, the seeded tables' foreign keys and secondary indexes are dropped,
the rows copied, then the indexes rebuilt and the foreign keys added back, which checks every
row in one pass per key instead of one lookup per row. Each key comes back as soon as the tables
it covers are copied, so most of that work overlaps the generation of later tables. Definitions
come from the catalog, so whatever the schema declares is restored exactly; if a row breaks a
rule, the transaction rolls back and the schema and data are as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

FOREIGN_KEYS = """
SELECT conrelid::regclass::text, confrelid::regclass::text, conname, pg_get_constraintdef(oid)
FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
ORDER BY conrelid::regclass::text, conname"""

SECONDARY_INDEXES = """
SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 2"""


@dataclass(frozen=True)
class Key:
    """An index or foreign key to restore once every loaded table it covers holds its rows."""
    tables: frozenset[str]
    statement: sql.Composable


class DeferredKeys:
    """The keys dropped for the load, handed back as the tables they cover are filled."""

    def __init__(self, cursor: psycopg.Cursor, tables: tuple[str, ...]):
        self.loading, self.loaded = frozenset(tables), set()
        self.waiting = [*self.drop_indexes(cursor), *self.drop_foreign_keys(cursor)]

    def drop_indexes(self, cursor: psycopg.Cursor) -> list[Key]:
        indexes = cursor.execute(SECONDARY_INDEXES, (list(self.loading),)).fetchall()
        for _, index, _ in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(index)))
        return [Key(frozenset({table}), sql.SQL(definition)) for table, _, definition in indexes]

    def drop_foreign_keys(self, cursor: psycopg.Cursor) -> list[Key]:
        foreign_keys = cursor.execute(FOREIGN_KEYS, (list(self.loading),)).fetchall()
        for table, _, name, _ in foreign_keys:
            cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
        return [Key(frozenset({table, referenced}) & self.loading,
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.SQL(table), sql.Identifier(name), sql.SQL(definition)))
                for table, referenced, name, definition in foreign_keys]

    def restore_ready(self, cursor: psycopg.Cursor, table: str) -> None:
        """The table is filled: rebuild every key whose tables now all are (indexes before foreign keys)."""
        self.loaded.add(table)
        ready, self.waiting = partition(self.waiting, lambda key: key.tables <= self.loaded)
        for key in ready:
            cursor.execute(key.statement)

    def restore_rest(self, cursor: psycopg.Cursor) -> None:
        """Rebuild whatever is still waiting (a table that got no block keeps its keys all the same)."""
        for key in self.waiting:
            cursor.execute(key.statement)
        self.waiting = []


def partition(keys: list[Key], is_ready) -> tuple[list[Key], list[Key]]:
    ready, waiting = [], []
    for key in keys:
        (ready if is_ready(key) else waiting).append(key)
    return ready, waiting
