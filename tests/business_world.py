"""A small platform world for the bad-input tests: a database of its own (mf_res_*) cloned from
the migrated template, with users of every tier, listings, an order, runs and a comment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import psycopg
from faker import Faker
from psycopg import sql
from psycopg.rows import dict_row

from masteryflow import db
from masteryflow.services import LOCAL_DATABASE_URL
from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.builders.catalog import create_workflow

FUNCTION_ARGUMENT_TYPES = """
SELECT array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.proname = %s
"""


def server_url() -> str:
    return os.environ.get("MASTERYFLOW_TEST_DATABASE_URL") or LOCAL_DATABASE_URL


@dataclass
class World:
    url: str
    connection: psycopg.Connection
    ids: dict[str, list[int]] = field(default_factory=dict)

    def call(self, function: str, arguments: tuple):
        """SELECT function(args) with each argument cast to the declared parameter type."""
        types = self.connection.execute(FUNCTION_ARGUMENT_TYPES, (function,)).fetchone()[0]
        placeholders = sql.SQL(", ").join(sql.SQL("%s::{}").format(sql.SQL(t)) for t in types[:len(arguments)])
        query = sql.SQL("SELECT {}({})::text").format(sql.Identifier(function), placeholders)
        return self.connection.execute(query, arguments).fetchone()[0]


def build_world(name: str) -> World:
    template = db.ensure_template(server_url())
    db.drop_database(server_url(), name)
    url = db.create_database(server_url(), name, template=template)
    connection = psycopg.connect(url, autocommit=True)
    faker = Faker()
    faker.seed_instance(2026)
    world = World(url, connection)
    _populate(world, faker)
    return world


def remove_world(world: World) -> None:
    world.connection.close()
    db.drop_database(server_url(), db.database_name(world.url))


def _populate(world: World, faker: Faker) -> None:
    conn = _dict_connection(world.url)
    users = {tier: create_user(conn, faker, tier=tier)["id"] for tier in ("free", "pro", "premium", "vip")}
    users["suspended"] = create_user(conn, faker, status="suspended")["id"]
    users["moderator"] = create_user(conn, faker, role="moderator")["id"]
    author = create_user(conn, faker, role="author")["id"]
    workflows = [create_workflow(conn, faker, author_id=author)["id"],
                 create_workflow(conn, faker, author_id=author, price_cents=1500)["id"],
                 create_workflow(conn, faker, author_id=author, status="draft")["id"]]
    world.ids["user"] = [*users.values(), author]
    world.ids["workflow"] = workflows
    world.ids["subscription"] = [r["id"] for r in conn.execute("SELECT id FROM subscriptions").fetchall()]
    world.ids["order"] = [int(world.call("order_workflow", (users["free"], workflows[1]))),
                          int(world.call("order_plan", (users["free"], "pro")))]
    queued = world.call("request_execution", (users["pro"], workflows[0]))
    running = conn.execute("SELECT id FROM request_execution(%s, %s)", (users["premium"], workflows[0])).fetchone()
    conn.execute("SELECT start_execution(%s, 'n8n-1', 'worker-a')", (running["id"],))
    world.ids["execution"] = [r["id"] for r in conn.execute("SELECT id FROM executions").fetchall()]
    world.ids["comment"] = [r["id"] for r in conn.execute(
        "SELECT id FROM add_comment(%s, %s, 'first!')", (workflows[0], users["free"])).fetchall()]
    conn.close()
    assert queued, "the world needs a queued run"


def _dict_connection(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, row_factory=dict_row)
