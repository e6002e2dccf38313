"""One fresh database per scenario, cloned from a migrated template."""

from __future__ import annotations

import itertools
import os
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
    """Builds the template once per run, then hands out and drops clones."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.template = db.ensure_template(server_url)
        self.run_tag = f"{os.getpid()}"

    def fresh(self, purpose: str = "scenario") -> ScenarioDatabase:
        name = f"mf_{purpose}_{self.run_tag}_{next(_clone_numbers)}"
        url = db.create_database(self.server_url, name, template=self.template)
        connection = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        return ScenarioDatabase(name, url, connection)

    def discard(self, database: ScenarioDatabase) -> None:
        database.connection.close()
        db.drop_database(self.server_url, database.name)
