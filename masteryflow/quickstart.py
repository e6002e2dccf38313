"""`python -m masteryflow quickstart`: the main job in one command.

Finds a PostgreSQL (MASTERYFLOW_DATABASE_URL if set; else the local server on 5432, in a
database of its own; else an embedded server started from the pgserver package), generates
the mock data, loads it and validates it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from masteryflow import cli, db, services
from masteryflow.config import mask_url

QUICKSTART_DATABASE = "masteryflow_quickstart"


def register(subparsers) -> None:
    parser = subparsers.add_parser("quickstart", help="seed a database with mock data and validate it")
    parser.add_argument("--seed", default="42", help="random seed (default 42)")
    parser.add_argument("--scale", default="1", help="volume multiplier (default 1: 50,000+ rows)")
    parser.add_argument("--out", default="out/mock-data", help="where the seven SQL files go")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    configured = os.environ.get("MASTERYFLOW_DATABASE_URL")
    server = None if configured else find_server()
    try:
        url = configured or fresh_database(server.database_url)
        print(f"quickstart: database {mask_url(url)} ({'configured' if configured else server.origin})",
              file=sys.stderr, flush=True)
        seed_arguments = ["seed", "--seed", args.seed, "--scale", args.scale, "--out", args.out, "--database-url", url]
        # the quickstart's own database is recreated each run; a configured one keeps the seeder's guard
        seeded = cli.main(seed_arguments if configured else seed_arguments + ["--force"])
        if seeded != 0:
            return seeded
        return cli.main(["validate", "--database-url", url, "--scale", args.scale])
    finally:
        if server is not None:
            server.stop()


def find_server() -> services.Services:
    if services.postgres_answers(services.LOCAL_DATABASE_URL):
        return services.Services(services.LOCAL_DATABASE_URL, "", "local PostgreSQL on 127.0.0.1:5432")
    return services.embedded_postgres()


def fresh_database(server_url: str) -> str:
    """The quickstart's own database, recreated so every run starts empty."""
    db.drop_database(server_url, QUICKSTART_DATABASE)
    return db.create_database(server_url, QUICKSTART_DATABASE)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli.main(["quickstart", *sys.argv[1:]]))
