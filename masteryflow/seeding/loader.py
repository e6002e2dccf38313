"""Load generated data into PostgreSQL: safety guard first, then everything in ONE transaction.

Blocks are copied by a background thread while the generator is still building later tables
(PostgreSQL works on one core, Python on the other). Tables arrive in the order they become final,
not in dependency order (orders before workflows, whose counters come last), which works because
foreign keys and secondary indexes come back only once the tables they cover are copied (bulk.py);
the same thread rebuilds them then, so little is left when the generator is done. An empty
database gets the schema first (masteryflow.db.apply_migrations). A failed load rolls back and
leaves the data as it was.
Each load is recorded in meta.seed_loads (schema 030).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Callable

import psycopg
from psycopg import sql

from masteryflow import db
from masteryflow.config import mask_url
from masteryflow.seeding import bulk, guard
from masteryflow.seeding.layout import COPIED_TABLES
from masteryflow.seeding.render import Block

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


class LoadSession:
    """One transaction: open it, add blocks in any order while generating, then finish or abort."""

    def __init__(self, url: str, force: bool = False, progress: Callable[[str], None] = lambda message: None):
        replacing = prepare(url, force)
        self.progress, self.started = progress, time.perf_counter()
        self.conn = connect(url)
        self.cursor = self.conn.cursor()
        self.failure: Exception | None = None
        self.pending: queue.Queue[Block | None] = queue.Queue()
        try:
            self.cursor.execute("SET LOCAL synchronous_commit TO off")
            if replacing:
                tables = sql.SQL(", ").join(sql.Identifier(table) for table in COPIED_TABLES)
                self.cursor.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(tables))
            self.keys = bulk.DeferredKeys(self.cursor, COPIED_TABLES)
        except psycopg.Error as error:
            self.abort()
            raise LoadFailed(f"cannot prepare the load, nothing was changed: {first_line(error)}") from None
        self.copier = threading.Thread(target=self.copy_pending, name="seed-copy", daemon=True)
        self.copier.start()

    def add(self, block: Block) -> None:
        self.pending.put(block)

    def copy_pending(self) -> None:
        while (block := self.pending.get()) is not None:
            if self.failure is None:
                try:
                    copy_in(self.cursor, block)
                    if block.final:
                        self.complete(block)
                except psycopg.Error as error:
                    self.failure = error

    def complete(self, block: Block) -> None:
        """The block's table is full: move its id sequence on and bring back the keys it completes."""
        if block.setval:
            self.cursor.execute(block.setval)
        self.keys.restore_ready(self.cursor, block.table)

    def finish(self, manifest: dict) -> None:
        """Wait for the copy and the keys, record the load, commit."""
        self.pending.put(None)
        self.copier.join()
        try:
            if self.failure is not None:
                raise self.failure
            self.keys.restore_rest(self.cursor)
            self.progress(f"copied {manifest['total_rows']:,} rows, indexes rebuilt, foreign keys checked "
                          f"({time.perf_counter() - self.started:.2f} s)")
            self.cursor.execute(
                "INSERT INTO meta.seed_loads (seed, scale, row_counts, manifest) VALUES (%s, %s, %s, %s)",
                (manifest["seed"], manifest["scale"], json.dumps(manifest["row_counts"]), json.dumps(manifest)))
            self.conn.commit()
        except psycopg.Error as error:
            self.abort()
            raise LoadFailed(f"the database rejected the data, nothing was changed: {first_line(error)}") from None
        self.conn.close()

    def abort(self) -> None:
        """Roll back; a connection the server already cut has rolled back by itself."""
        if self.copier_running():
            self.pending.put(None)
            self.copier.join()
        try:
            self.conn.rollback()
        except psycopg.Error:
            pass
        self.conn.close()

    def copier_running(self) -> bool:
        return hasattr(self, "copier") and self.copier.is_alive()


def copy_in(cursor: psycopg.Cursor, block: Block) -> None:
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
