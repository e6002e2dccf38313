"""`python -m masteryflow migrate`: apply the schema migrations to a database."""

from __future__ import annotations

import argparse

from masteryflow import db
from masteryflow.config import platform_database_url


def register(subparsers) -> None:
    parser = subparsers.add_parser("migrate", help="apply the platform schema (idempotent)")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: $MASTERYFLOW_DATABASE_URL)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    url = args.database_url or platform_database_url()
    applied = db.apply_migrations(url)
    print(f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "schema is up to date")
    return 0
