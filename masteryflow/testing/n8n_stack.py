"""A real n8n queue-mode installation for the worker features: a VPS stand-in (n8n main with its
own database n8n_wk_<tag>, its own Redis database index and key prefix, the test workflows and
credential imported and published) and the local worker side (`worker up`'s LocalWorkerSide)
pointed at it, reporting to a platform database cloned for the feature.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis

from masteryflow import db
from masteryflow.testing.databases import DatabaseFactory, ScenarioDatabase
from masteryflow.worker import runtime as n8n_runtime
from masteryflow.worker.n8n import N8nProcess, run_cli
from masteryflow.worker.service import LocalWorkerSide
from masteryflow.worker.settings import WorkerSettings, load_settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures_data" / "n8n"
WORKER_REDIS_DB = 3
WORKFLOW_IDS = {"wait": "mfWaitAnswer0001", "fail": "mfFailCharge0001", "credential": "mfUsesCredent001"}
WEBHOOK_PATHS = {"wait": "mf-wait", "fail": "mf-fail", "credential": "mf-credential"}
_stack_numbers = itertools.count(1)


def stack_environment(server_url: str, redis_url: str, n8n_database: str, prefix: str, encryption_key: str,
                      platform_url: str, **local) -> dict[str, str]:
    """The worker settings, as the environment variables an operator would set."""
    pg, queue = urlsplit(server_url), urlsplit(redis_url)
    env = {
        "DB_POSTGRESDB_HOST": pg.hostname or "127.0.0.1", "DB_POSTGRESDB_PORT": str(pg.port or 5432),
        "DB_POSTGRESDB_DATABASE": n8n_database, "DB_POSTGRESDB_USER": pg.username or "postgres",
        "DB_POSTGRESDB_PASSWORD": pg.password or "",
        "QUEUE_BULL_REDIS_HOST": queue.hostname or "127.0.0.1", "QUEUE_BULL_REDIS_PORT": str(queue.port or 6379),
        "QUEUE_BULL_REDIS_PASSWORD": queue.password or "", "QUEUE_BULL_REDIS_DB": str(WORKER_REDIS_DB),
        "QUEUE_BULL_PREFIX": prefix, "N8N_ENCRYPTION_KEY": encryption_key,
        "MASTERYFLOW_DATABASE_URL": platform_url, "MASTERYFLOW_HEALTH_PORT": "0",
    }
    env.update({f"MASTERYFLOW_{name.upper()}": str(value) for name, value in local.items()})
    return env


@dataclass
class N8nStack:
    server_url: str
    environment: dict[str, str]
    settings: WorkerSettings
    platform: ScenarioDatabase
    main: N8nProcess
    side: LocalWorkerSide
    state_dir: Path
    started_seconds: float

    @property
    def n8n_url(self) -> str:
        return self.main.base_url

    @property
    def health_url(self) -> str:
        return self.side.http.url

    def n8n_database(self) -> psycopg.Connection:
        return psycopg.connect(db.with_database(self.server_url, self.settings.postgres.database), autocommit=True)

    def redis(self) -> redis.Redis:
        return redis.Redis(host=self.settings.redis.host, port=self.settings.redis.port, db=self.settings.redis.db,
                           password=self.settings.redis.password.reveal() or None, decode_responses=True)


def start_stack(server_url: str, redis_url: str, databases: DatabaseFactory, workers: int = 1,
                concurrency: int = 2, **local) -> N8nStack:
    started = time.monotonic()
    tag = f"{os.getpid()}_{next(_stack_numbers)}"
    n8n_database = f"n8n_wk_{tag}"
    db.create_database(server_url, n8n_database)
    platform = databases.fresh("wk")
    env = stack_environment(server_url, redis_url, n8n_database, f"mfwk{tag}", secrets.token_hex(16), platform.url,
                            worker_count=workers, worker_concurrency=concurrency, **local)
    settings = load_settings(env)
    runtime = n8n_runtime.find_runtime()
    state_dir = Path(tempfile.mkdtemp(prefix=f"mf-wk-{tag}-"))
    main = N8nProcess.main(runtime, settings, state_dir / "main")
    side = LocalWorkerSide.build(runtime, settings, state_dir / "local")
    stack = N8nStack(server_url, env, settings, platform, main, side, state_dir, 0.0)
    try:
        install_fixtures(runtime, settings, state_dir / "cli")
        main.start()
        side.start()
        main.wait_ready()
        wait_for_webhooks(db.with_database(server_url, n8n_database), len(WEBHOOK_PATHS))
        for worker in side.supervisor.workers.values():
            worker.wait_ready()
    except BaseException:
        stop_stack(stack, databases)
        raise
    stack.started_seconds = time.monotonic() - started
    return stack


def n8n_stack_fixture(context, workers: int = 1):
    """behave fixture: one real installation per feature (about 45 s to start)."""
    stack = start_stack(context.services.database_url, context.redis_url, context.databases, workers=workers,
                        concurrency=2, sample_interval=2, stuck_after=5)
    context.n8n_stack = stack
    yield stack
    stop_stack(stack, context.databases)


def n8n_stack_two_workers_fixture(context):
    yield from n8n_stack_fixture(context, workers=2)


def install_fixtures(runtime, settings: WorkerSettings, cli_dir: Path) -> None:
    """Import the test credential and workflows into n8n's database, then publish the workflows."""
    run_cli(runtime, settings, cli_dir, "import:credentials", f"--input={FIXTURES / 'credentials' / 'test_api_key.json'}")
    run_cli(runtime, settings, cli_dir, "import:workflow", "--separate", f"--input={FIXTURES / 'workflows'}")
    with ThreadPoolExecutor(max_workers=len(WORKFLOW_IDS)) as publishers:  # one n8n process each, at once
        list(publishers.map(lambda workflow_id: run_cli(runtime, settings, cli_dir / workflow_id, "publish:workflow",
                                                        f"--id={workflow_id}"), WORKFLOW_IDS.values()))


def wait_for_webhooks(n8n_database_url: str, expected: int, timeout: float = 60.0) -> None:
    """Main registers published webhooks shortly after it reports ready."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(n8n_database_url, autocommit=True) as conn:
        while conn.execute("SELECT count(*) FROM webhook_entity").fetchone()[0] < expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"n8n main registered fewer than {expected} webhooks in {timeout:.0f} s")
            time.sleep(0.3)


def stop_stack(stack: N8nStack, databases: DatabaseFactory) -> None:
    stack.side.stop(timeout=15)
    stack.main.stop(timeout=15)
    client = stack.redis()
    for key in client.scan_iter(match=f"{stack.settings.redis.prefix}:*", count=500):
        client.delete(key)
    db.drop_database(stack.server_url, stack.settings.postgres.database)
    databases.discard(stack.platform)
    shutil.rmtree(stack.state_dir, ignore_errors=True)
