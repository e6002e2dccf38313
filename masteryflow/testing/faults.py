"""Faults injected into real services and processes by the resilience features and tests.

Each helper is aimed narrowly: backends are terminated only in databases named mf_res_* or on
a private PostgreSQL server the test started (OwnPostgres), processes only by the pid the test
started or was handed, Redis only on a private port.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field

import psycopg

from masteryflow import db

OWN_DATABASE_PREFIX = "mf_res_"

TERMINATE_BACKENDS = """
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""

BUSY_STATEMENTS = """
SELECT query FROM pg_stat_activity
WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'
  AND query ILIKE %s
"""


def terminate_backends(database_url: str, private_server: bool = False) -> int:
    """Terminate every client connection (busy or idle) to the database of `database_url`."""
    name = db.database_name(database_url) if private_server else _own_database(database_url)
    with psycopg.connect(db.admin_url(database_url), autocommit=True, connect_timeout=5) as admin:
        return admin.execute(TERMINATE_BACKENDS, (name,)).fetchone()[0]


@dataclass
class ConnectionDrops:
    """Every `every_seconds`, terminate every connection to each database in `database_urls`
    (all on a private server), from a background thread, until stopped."""

    database_urls: list[str]
    every_seconds: float = 2.0
    rounds: int = 0
    terminated: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "ConnectionDrops":
        self._thread = threading.Thread(target=self._drop, name="connection-drops", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _drop(self) -> None:
        while not self._stop.is_set():
            self.terminated += sum(terminate_backends(url, private_server=True) for url in self.database_urls)
            self.rounds += 1
            self._stop.wait(self.every_seconds)


@dataclass
class BackendTerminator:
    """Watches a database and terminates its connections while one runs a statement matching
    `statement_like` (an ILIKE pattern), again and again, but only once `spare_statements`
    different matching statements have been seen running (to cut half way through a load).

    Use as a context manager around the operation under test; `terminated` counts the
    connections cut and `first_cut_after` says how long after the start the first one was cut.
    """

    database_url: str
    statement_like: str = "%"
    spare_statements: int = 0
    poll_seconds: float = 0.005
    max_rounds: int = 50
    terminated: int = 0
    first_cut_after: float | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> "BackendTerminator":
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._watch, name="backend-terminator", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)

    def _watch(self) -> None:
        name = _own_database(self.database_url)
        with psycopg.connect(db.admin_url(self.database_url), autocommit=True, connect_timeout=5) as admin:
            rounds, seen = 0, set()
            while not self._stop.is_set() and rounds < self.max_rounds:
                busy = {row[0] for row in admin.execute(BUSY_STATEMENTS, (name, self.statement_like))}
                seen |= busy
                if busy and len(seen) > self.spare_statements:
                    cut = admin.execute(TERMINATE_BACKENDS, (name,)).fetchone()[0]
                    if cut and self.first_cut_after is None:
                        self.first_cut_after = time.monotonic() - self._started
                    self.terminated += cut
                    rounds += 1
                self._stop.wait(self.poll_seconds)


def kill_hard(pid: int) -> None:
    """SIGKILL: no clean-up, no goodbye, exactly like the OOM killer or a pulled plug."""
    os.kill(pid, signal.SIGKILL)


def wait_for(condition, timeout: float, poll: float = 0.1, what: str = "the condition"):
    """Poll until condition() returns something truthy; return it and the seconds waited."""
    started = time.monotonic()
    while True:
        result = condition()
        if result:
            return result, time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(poll)


def _own_database(database_url: str) -> str:
    name = db.database_name(database_url)
    if not name.startswith(OWN_DATABASE_PREFIX):
        raise ValueError(f"refusing to disturb database {name!r}: faults are injected only into {OWN_DATABASE_PREFIX}* "
                         "databases this suite created")
    return name
