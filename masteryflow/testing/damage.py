"""Planting defects in a copy of generated data, to show the validator finds them.

Each function breaks one thing the way a faulty loader or a careless hand would, and says what
it broke. Identifiers come from this module's callers (tests and steps), never from input.
"""

from __future__ import annotations

import psycopg

MISSING_ID = 987_654_321


def drop_foreign_key(connection: psycopg.Connection, table: str, column: str) -> str:
    """Remove the database's guard on table.column; returns the constraint's name."""
    name = connection.execute(
        """SELECT k.conname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
           WHERE k.conrelid = %s::regclass AND k.contype = 'f' AND a.attname = %s""", (table, column)).fetchone()[0]
    connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return name


def point_at_nothing(connection: psycopg.Connection, table: str, column: str) -> int:
    """Make the first row of table refer (through column) to a row that does not exist; returns its id."""
    return connection.execute(f"UPDATE {table} SET {column} = %s WHERE id = (SELECT min(id) FROM {table}) RETURNING id",
                              (MISSING_ID,)).fetchone()[0]
