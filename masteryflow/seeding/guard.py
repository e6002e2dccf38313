"""Never seed a database that is not meant for it (quality.md): production-looking targets and
databases holding data the seeder did not create are refused unless --force.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from masteryflow.seeding.layout import COPIED_TABLES

PRODUCTION_NAME = re.compile(r"prod|live", re.IGNORECASE)
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


class Refused(RuntimeError):
    """The target database is not one the seeder may write; the message says why and how to override."""


def check_target(url: str) -> None:
    """Refuse production-looking databases and non-local hosts (before connecting)."""
    parts = urlsplit(url)
    name, host = parts.path.lstrip("/"), parts.hostname or ""
    if PRODUCTION_NAME.search(name):
        raise Refused(f"database {name!r} looks like production; use --force if it really is a scratch database")
    if host not in LOCAL_HOSTS and not host.startswith("/"):
        raise Refused(f"host {host!r} is not this machine; use --force to seed a remote database")


def has_platform_schema(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT to_regclass('public.users') IS NOT NULL").fetchone()[0]


def foreign_tables(conn: psycopg.Connection) -> list[str]:
    """Tables in an otherwise empty database (no platform schema) that something else created."""
    return [row[0] for row in conn.execute(
        "SELECT schemaname || '.' || tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")]


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    counts = {}
    for table in COPIED_TABLES:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        counts[table] = conn.execute(query).fetchone()[0]
    return counts


def last_seed_counts(conn: psycopg.Connection) -> dict[str, int] | None:
    if not conn.execute("SELECT to_regclass('meta.seed_loads') IS NOT NULL").fetchone()[0]:
        return None
    row = conn.execute("SELECT row_counts FROM meta.seed_loads ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else {table: row[0].get(table, 0) for table in COPIED_TABLES}


def check_data(conn: psycopg.Connection) -> bool:
    """True when the database holds earlier seeded data to replace; False when it is empty.

    Raises Refused when it holds rows the seeder's last recorded load does not account for.
    """
    counts = row_counts(conn)
    if not any(counts.values()):
        return False
    if last_seed_counts(conn) == counts:
        return True
    table, rows = next((t, n) for t, n in counts.items() if n)
    raise Refused(f"the database holds data the seeder did not create ({table}: {rows} rows); "
                  "use --force to replace it")
