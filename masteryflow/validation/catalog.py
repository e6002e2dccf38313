"""What a database's schema holds (tables, columns, constraints, indexes, keys), read from its catalog.

The reference catalog comes from a fresh migration of schema/ (the migrated template database);
foreign keys and unique keys are taken from it, so they are checked even where the live
database lost or deferred its constraints.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

SCHEMAS = ("public", "meta")

# A table is named as in SQL: bare in public, qualified elsewhere.
TABLE_NAME = "CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END"

TABLES = f"""
SELECT {TABLE_NAME} FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') ORDER BY 1"""

COLUMNS = f"""
SELECT {TABLE_NAME}, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"""

CONSTRAINTS = f"""
SELECT {TABLE_NAME}, k.contype::text, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)"""

INDEXES = f"""
SELECT {TABLE_NAME}, regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON ',
                                    'CREATE \\1INDEX ON ')
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)"""

FUNCTIONS = """
SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY(%(schemas)s)"""

FOREIGN_KEYS = f"""
SELECT {TABLE_NAME}, k.conname,
       (SELECT array_agg(a.attname::text ORDER BY key.position) FROM unnest(k.conkey) WITH ORDINALITY key (num, position)
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = key.num),
       (SELECT CASE WHEN pn.nspname = 'public' THEN p.relname ELSE pn.nspname || '.' || p.relname END
          FROM pg_class p JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE p.oid = k.confrelid),
       (SELECT array_agg(a.attname::text ORDER BY key.position) FROM unnest(k.confkey) WITH ORDINALITY key (num, position)
          JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = key.num)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND k.contype = 'f' ORDER BY 1, 2"""

UNIQUE_KEYS = f"""
SELECT {TABLE_NAME}, ic.relname,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k),
       pg_get_expr(i.indpred, i.indrelid, true)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
     JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND i.indisunique ORDER BY 1, 2"""


@dataclass(frozen=True)
class ForeignKey:
    table: str
    name: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.table}({', '.join(self.columns)}) -> {self.parent}({', '.join(self.parent_columns)})"


@dataclass(frozen=True)
class UniqueKey:
    table: str
    name: str
    keys: tuple[str, ...]  # column names or expressions such as lower(email)
    predicate: str | None  # partial index condition, e.g. status IN (...)

    def describe(self) -> str:
        where = f" where {self.predicate}" if self.predicate else ""
        return f"{self.table}({', '.join(self.keys)}){where}"


@dataclass(frozen=True)
class Catalog:
    tables: tuple[str, ...]
    columns: dict[tuple[str, str], tuple[str, bool]]  # (table, column) -> (type, not null)
    constraints: frozenset[tuple[str, str, str]]  # (table, kind, definition)
    indexes: frozenset[tuple[str, str]]  # (table, definition without the index name)
    functions: frozenset[str]
    foreign_keys: tuple[ForeignKey, ...]
    unique_keys: tuple[UniqueKey, ...]


def read_catalog(connection: psycopg.Connection) -> Catalog:
    def rows(query: str) -> list[tuple]:
        return connection.execute(query, {"schemas": list(SCHEMAS)}).fetchall()

    return Catalog(
        tables=tuple(row[0] for row in rows(TABLES)),
        columns={(table, column): (type_name, not_null) for table, column, type_name, not_null in rows(COLUMNS)},
        constraints=frozenset(rows(CONSTRAINTS)),
        indexes=frozenset(rows(INDEXES)),
        functions=frozenset(row[0] for row in rows(FUNCTIONS)),
        foreign_keys=tuple(ForeignKey(t, n, tuple(c), p, tuple(pc)) for t, n, c, p, pc in rows(FOREIGN_KEYS)),
        unique_keys=tuple(UniqueKey(t, n, tuple(k), pred) for t, n, k, pred in rows(UNIQUE_KEYS)),
    )
