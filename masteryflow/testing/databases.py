"""One fresh database per scenario, cloned from a migrated template.

Cloning and dropping happen on a background thread: while a scenario runs, the previous
scenario's database is dropped and the next one's is cloned, so a scenario waits only for a
clone that is usually already there.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row

from masteryflow import db

_clone_numbers = itertools.count(1)


@dataclass
class ScenarioDatabase:
    name: str
    url: str
    connection: psycopg.Connection


class DatabaseFactory:
    """Builds the template once per run, then hands out clones and drops them afterwards."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.template = db.ensure_template(server_url)
        self.name_prefix = f"mf_scenario_{os.getpid()}"
        self.background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clone")
        self.next_clone: Future | None = None

    def fresh(self, purpose: str | None = None) -> ScenarioDatabase:
        """A new clone; the scenario clones are prepared one ahead, a named purpose is cloned now."""
        if purpose is not None:
            name, url = self._clone(f"mf_{purpose}_{os.getpid()}")
        else:
            pending = self.next_clone or self.background.submit(self._clone)
            name, url = pending.result()
            self.next_clone = self.background.submit(self._clone)
        connection = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        return ScenarioDatabase(name, url, connection)

    def discard(self, database: ScenarioDatabase) -> None:
        database.connection.close()
        self.background.submit(db.drop_database, self.server_url, database.name)

    def close(self) -> None:
        """Drop the clone prepared in advance and wait for every pending drop."""
        if self.next_clone is not None:
            name, _ = self.next_clone.result()
            self.background.submit(db.drop_database, self.server_url, name)
            self.next_clone = None
        self.background.shutdown(wait=True)

    def _clone(self, name_prefix: str | None = None) -> tuple[str, str]:
        name = f"{name_prefix or self.name_prefix}_{next(_clone_numbers)}"
        return name, db.create_database(self.server_url, name, template=self.template)
