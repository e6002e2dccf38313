"""Load a generated dataset into PostgreSQL: safety guard first, then everything in ONE transaction.

An empty database gets the schema first (masteryflow.db.apply_migrations). A failed load rolls
back and leaves the data as it was. Each load is recorded in meta.seed_loads (schema 030).
"""

from __future__ import annotations

import json
import time
from typing import Callable

import psycopg
from psycopg import sql

from masteryflow import db
from masteryflow.config import mask_url
from masteryflow.seeding import guard
from masteryflow.seeding.generate import Dataset
from masteryflow.seeding.layout import COPIED_TABLES

CONNECT_TIMEOUT_SECONDS = 3
CHUNK = 1 << 22


class Unreachable(RuntimeError):
    """The database server cannot be reached or the database does not exist."""


class LoadFailed(RuntimeError):
    """PostgreSQL rejected the data; nothing was changed."""


def connect(url: str, **kwargs) -> psycopg.Connection:
    try:
        return db.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS, **kwargs)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "no answer"
        raise Unreachable(f"cannot connect to {mask_url(url)}: {reason}") from None


def prepare(url: str, force: bool) -> bool:
    """Apply the guard and the schema; return True when earlier seeded data must be replaced."""
    if not force:
        guard.check_target(url)
    with connect(url, autocommit=True) as conn:
        if guard.has_platform_schema(conn):
            replacing = True if force else guard.check_data(conn)
        else:
            others = [t for t in guard.foreign_tables(conn) if t != "meta.schema_migrations"]
            if others and not force:
                raise guard.Refused(f"the database holds tables the seeder did not create ({others[0]}); "
                                    "use --force to seed it anyway")
            replacing = False
    try:
        db.apply_migrations(url)
    except (db.MigrationError, psycopg.Error) as error:
        raise LoadFailed(f"cannot apply the schema: {first_line(error)}") from None
    return replacing


def load(dataset: Dataset, manifest: dict, url: str, force: bool = False,
         progress: Callable[[str], None] = lambda message: None) -> None:
    replacing = prepare(url, force)
    started = time.perf_counter()
    try:
        with connect(url) as conn:
            conn.execute("SET LOCAL synchronous_commit TO off")
            if replacing:
                tables = sql.SQL(", ").join(sql.Identifier(table) for table in COPIED_TABLES)
                conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(tables))
            with conn.cursor() as cursor:
                for file_name, blocks in dataset.files.items():
                    for block in blocks:
                        copy_in(cursor, block)
                    for block in blocks:
                        if block.setval:
                            cursor.execute(block.setval)
                    progress(f"loaded {file_name} ({time.perf_counter() - started:.2f} s)")
                cursor.execute(
                    "INSERT INTO meta.seed_loads (seed, scale, row_counts, manifest) VALUES (%s, %s, %s, %s)",
                    (dataset.seed, dataset.scale, json.dumps(dataset.row_counts), json.dumps(manifest)))
    except psycopg.Error as error:
        raise LoadFailed(f"the database rejected the data, nothing was changed: {first_line(error)}") from None


def copy_in(cursor: psycopg.Cursor, block) -> None:
    if block.table == "plans":
        cursor.execute(block.statement)
        return
    with cursor.copy(block.statement) as copy:
        view = memoryview(block.data)
        for offset in range(0, len(view), CHUNK):
            copy.write(view[offset:offset + CHUNK])


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
