"""Connections, schema migrations, template databases and per-test clones."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
MIGRATIONS_LOCK_KEY = 0x6D66_6D69  # advisory lock ids: "mfmi", "mfte"
TEMPLATE_LOCK_KEY = 0x6D66_7465
STALE_TEMPLATE_SECONDS = 24 * 3600

CREATE_MIGRATIONS_TABLE = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.schema_migrations (
    version    text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(RuntimeError):
    """A migration file changed after it was applied, or failed to apply."""


@dataclass(frozen=True)
class Migration:
    version: str
    path: Path

    @property
    def sql_text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def migrations(schema_dir: Path = SCHEMA_DIR) -> list[Migration]:
    found = [Migration(p.stem, p) for p in sorted(schema_dir.glob("*.sql")) if MIGRATION_NAME.match(p.name)]
    if not found:
        raise MigrationError(f"no migrations found in {schema_dir}")
    return found


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, **kwargs)


def apply_migrations(url: str, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Apply pending migrations in one transaction; return the versions applied.

    Applying twice changes nothing. A migration edited after it was applied is an error:
    add a new migration instead.
    """
    applied_now = []
    with connect(url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATIONS_LOCK_KEY,))
        conn.execute(CREATE_MIGRATIONS_TABLE)
        done = dict(conn.execute("SELECT version, checksum FROM meta.schema_migrations").fetchall())
        for migration in migrations(schema_dir):
            if migration.version in done:
                if done[migration.version] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.path.name} changed after it was applied; add a new migration instead"
                    )
                continue
            conn.execute(migration.sql_text)
            conn.execute(
                "INSERT INTO meta.schema_migrations (version, checksum) VALUES (%s, %s)",
                (migration.version, migration.checksum),
            )
            applied_now.append(migration.version)
    return applied_now


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


def admin_url(url: str) -> str:
    return with_database(url, "postgres")


def database_exists(admin: psycopg.Connection, dbname: str) -> bool:
    """Whether the server that `admin` is connected to has a database of that name."""
    return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone() is not None


def create_database(url: str, dbname: str, template: str | None = None) -> str:
    """Create dbname (optionally as a copy of template) on the server of url; return its URL."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname))
    if template:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY wal_log").format(
            sql.Identifier(dbname), sql.Identifier(template)
        )
    with connect(admin_url(url), autocommit=True) as conn:
        conn.execute(statement)
    return with_database(url, dbname)


def drop_database(url: str, dbname: str) -> None:
    with connect(admin_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def schema_fingerprint(schema_dir: Path = SCHEMA_DIR) -> str:
    digest = hashlib.sha256()
    for migration in migrations(schema_dir):
        digest.update(migration.path.name.encode() + b"\0" + migration.path.read_bytes())
    return digest.hexdigest()[:12]


def ensure_template(url: str, prefix: str = "mf_template") -> str:
    """A migrated template database named after the schema's fingerprint; built once, reused.

    Concurrent callers (parallel test runs) serialize on an advisory lock; templates of older
    schema versions are dropped.
    """
    template = f"{prefix}_{schema_fingerprint()}"
    with connect(admin_url(url), autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", (TEMPLATE_LOCK_KEY,))
        try:
            if not database_exists(admin, template):
                build_template(url, admin, template)
                drop_stale_templates(url, admin, prefix, keep=template)
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", (TEMPLATE_LOCK_KEY,))
    return template


def build_template(url: str, admin: psycopg.Connection, template: str) -> None:
    building = f"{template}_building"
    drop_database(url, building)
    apply_migrations(create_database(url, building))
    admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(template)))
    admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
        sql.Identifier(template), sql.Literal(f"built {time.time():.0f}")))


def drop_stale_templates(url: str, admin: psycopg.Connection, prefix: str, keep: str) -> None:
    """Drop templates of other schema versions built over a day ago (a run still using one is younger)."""
    stale = admin.execute(
        """SELECT datname FROM pg_database
            WHERE datname LIKE %s AND datname <> %s
              AND coalesce(substring(shobj_description(oid, 'pg_database') FROM '^built (\\d+)$')::bigint, 0) < %s""",
        (prefix + "\\_%", keep, time.time() - STALE_TEMPLATE_SECONDS),
    ).fetchall()
    for (name,) in stale:
        try:
            drop_database(url, name)
        except psycopg.Error:
            pass  # in use right now; dropped next time
