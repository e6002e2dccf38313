"""Broken worker settings for the connectivity features, each made real: a password-protected
Redis or PostgreSQL of our own given the wrong password, a host that does not answer, another
installation's encryption key, a platform database without its tables, a malformed number.

Each maker takes the working environment and a cleanup registrar, returns the broken environment.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from masteryflow import db
from masteryflow.testing.own_postgres import OwnPostgres
from masteryflow.testing.own_redis import OwnRedis

REPO_ROOT = Path(__file__).resolve().parents[2]
NOT_ANSWERING_HOST = "192.0.2.1"  # TEST-NET-1: routable nowhere, so connections time out
Cleanup = Callable[[Callable[[], None]], None]


def wrong_queue_password(env: dict, cleanup: Cleanup) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="mf-wk-redis-"))
    server = OwnRedis(workdir, password=secrets.token_hex(12)).start()
    cleanup(lambda: shutil.rmtree(workdir, ignore_errors=True))  # runs after stop (cleanups run last-in first-out)
    cleanup(server.stop)
    return {**env, "QUEUE_BULL_REDIS_HOST": "127.0.0.1", "QUEUE_BULL_REDIS_PORT": str(server.port),
            "QUEUE_BULL_REDIS_PASSWORD": secrets.token_hex(12)}


def wrong_database_password(env: dict, cleanup: Cleanup) -> dict:
    server = OwnPostgres(password=secrets.token_hex(12)).start()
    cleanup(server.remove)
    return {**env, "DB_POSTGRESDB_HOST": "127.0.0.1", "DB_POSTGRESDB_PORT": str(server.port),
            "DB_POSTGRESDB_DATABASE": "postgres", "DB_POSTGRESDB_PASSWORD": secrets.token_hex(12)}


def queue_host_not_answering(env: dict, cleanup: Cleanup) -> dict:
    return {**env, "QUEUE_BULL_REDIS_HOST": NOT_ANSWERING_HOST}


def database_host_not_answering(env: dict, cleanup: Cleanup) -> dict:
    return {**env, "DB_POSTGRESDB_HOST": NOT_ANSWERING_HOST}


def another_encryption_key(env: dict, cleanup: Cleanup) -> dict:
    return {**env, "N8N_ENCRYPTION_KEY": secrets.token_hex(16)}


def platform_without_tables(env: dict, cleanup: Cleanup) -> dict:
    return {**env, "MASTERYFLOW_DATABASE_URL": db.admin_url(env["MASTERYFLOW_DATABASE_URL"])}


def port_not_a_number(env: dict, cleanup: Cleanup) -> dict:
    return {**env, "DB_POSTGRESDB_PORT": "five-four-three-two"}


MISCONFIGURATIONS: dict[str, Callable[[dict, Cleanup], dict]] = {
    "a wrong queue password": wrong_queue_password,
    "a wrong database password": wrong_database_password,
    "a queue host that does not answer": queue_host_not_answering,
    "a database host that does not answer": database_host_not_answering,
    "another installation's encryption key": another_encryption_key,
    "a platform database without its tables": platform_without_tables,
    "a database port that is not a number": port_not_a_number,
}


@dataclass(frozen=True)
class CheckRun:
    exit_code: int
    output: str
    seconds: float


def run_worker_check(env: dict) -> CheckRun:
    """`python -m masteryflow worker check` as an operator runs it, with exactly these settings."""
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith(("DB_POSTGRESDB_", "QUEUE_BULL_", "N8N_", "MASTERYFLOW_"))}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "masteryflow", "worker", "check"], cwd=REPO_ROOT,
                          env={**inherited, **env}, capture_output=True, text=True, timeout=60)
    return CheckRun(done.returncode, done.stdout + done.stderr, time.monotonic() - started)
