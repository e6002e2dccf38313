"""What every scenario finds on behave's context, and its clean-up.

context.services      where PostgreSQL and Redis come from (services.Services)
context.databases     the DatabaseFactory (template + clones)
context.db            psycopg connection (autocommit, dict rows) to this scenario's own database
context.db_url        that database's URL
context.redis_url     Redis URL
context.faker         Faker seeded from the scenario name (same values every run)
"""

from __future__ import annotations

import sys
import time
import zlib

from faker import Faker

from masteryflow import services as service_discovery
from masteryflow.testing.databases import DatabaseFactory


def start_run(context, userdata) -> None:
    context.services = service_discovery.discover(userdata.get("database_url"), userdata.get("redis_url"))
    print(context.services.describe(), file=sys.__stderr__, flush=True)  # behave captures sys.stderr
    context.redis_url = context.services.redis_url
    context.databases = DatabaseFactory(context.services.database_url)
    context.setup_seconds = []


def start_scenario(context, scenario_name: str) -> None:
    started = time.perf_counter()
    context.scenario_database = context.databases.fresh()
    context.db = context.scenario_database.connection
    context.db_url = context.scenario_database.url
    context.setup_seconds.append(time.perf_counter() - started)
    context.faker = Faker()
    context.faker.seed_instance(zlib.crc32(scenario_name.encode()))


def end_scenario(context) -> None:
    context.databases.discard(context.scenario_database)


def end_run(context) -> None:
    if context.setup_seconds:
        timings = sorted(context.setup_seconds)
        median = timings[len(timings) // 2]
        print(f"per-scenario database set-up: median {median * 1000:.0f} ms, "
              f"max {timings[-1] * 1000:.0f} ms over {len(timings)} scenarios", file=sys.__stderr__, flush=True)
    context.databases.close()
    context.services.stop()
