"""n8n processes in queue mode: the main instance, workers, and one-shot CLI commands.

Every process gets n8n's environment for the shared VPS (PostgreSQL, Redis, encryption key)
plus its own directory (N8N_USER_FOLDER, log file) and its own free ports: n8n's HTTP port
(main) or health port (worker), and the task-runner broker port, which must differ per process.

    runtime = runtime.find_runtime()
    worker = N8nProcess.worker(runtime, settings, state_dir / "worker-1", concurrency=5)
    worker.start(); worker.wait_ready(60); ...; worker.stop()
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import requests

from masteryflow.services import free_port
from masteryflow.worker.runtime import Runtime
from masteryflow.worker.settings import WorkerSettings
from masteryflow.worker.worker_log import STARTED

MAIN, WORKER = "main", "worker"
# n8n must not reach the internet from here (and must not wait for it)
OFFLINE = {
    "N8N_DIAGNOSTICS_ENABLED": "false",
    "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
    "N8N_TEMPLATES_ENABLED": "false",
    "N8N_PERSONALIZATION_ENABLED": "false",
}


class N8nCommandFailed(RuntimeError):
    """An n8n CLI command exited non-zero; the message carries the end of its output."""


def n8n_environment(settings: WorkerSettings) -> dict[str, str]:
    """The variables every n8n process of this installation shares (contains secrets)."""
    pg, queue = settings.postgres, settings.redis
    env = {
        "EXECUTIONS_MODE": "queue",
        "DB_TYPE": "postgresdb",
        "DB_POSTGRESDB_HOST": pg.host,
        "DB_POSTGRESDB_PORT": str(pg.port),
        "DB_POSTGRESDB_DATABASE": pg.database,
        "DB_POSTGRESDB_USER": pg.user,
        "DB_POSTGRESDB_PASSWORD": pg.password.reveal(),
        "DB_POSTGRESDB_SCHEMA": pg.schema,
        "QUEUE_BULL_REDIS_HOST": queue.host,
        "QUEUE_BULL_REDIS_PORT": str(queue.port),
        "QUEUE_BULL_REDIS_DB": str(queue.db),
        "QUEUE_BULL_PREFIX": queue.prefix,
        "QUEUE_BULL_REDIS_TLS": str(queue.tls).lower(),
        "N8N_ENCRYPTION_KEY": settings.encryption_key.reveal(),
        "QUEUE_HEALTH_CHECK_ACTIVE": "true",
        "N8N_LOG_OUTPUT": "console",
        "N8N_LOG_LEVEL": "info",
        "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "true",
        "N8N_SECURE_COOKIE": "false",
        **OFFLINE,
    }
    if queue.ca_file:
        env["NODE_EXTRA_CA_CERTS"] = queue.ca_file
    if queue.username:
        env["QUEUE_BULL_REDIS_USERNAME"] = queue.username
    if queue.password:
        env["QUEUE_BULL_REDIS_PASSWORD"] = queue.password.reveal()
    if pg.ssl_enabled:
        env["DB_POSTGRESDB_SSL_ENABLED"] = "true"
        env["DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED"] = str(pg.ssl_reject_unauthorized).lower()
        for name, path in (("CA", pg.ssl_ca), ("CERT", pg.ssl_cert), ("KEY", pg.ssl_key)):
            if path:  # n8n reads a NAME_FILE variable's file as the value of NAME
                env[f"DB_POSTGRESDB_SSL_{name}_FILE"] = path
    return env


class N8nProcess:
    """One long-running n8n process (main or worker) with its own directory, ports and log."""

    def __init__(self, runtime: Runtime, settings: WorkerSettings, role: str, directory: Path,
                 concurrency: int = 10, name: str | None = None):
        self.runtime, self.settings, self.role = runtime, settings, role
        self.directory = Path(directory)
        self.name = name or self.directory.name
        self.concurrency = concurrency
        self.http_port = free_port()
        self.broker_port = free_port()
        self.popen: subprocess.Popen | None = None
        self.started_at: float | None = None
        self.starts = 0

    @classmethod
    def main(cls, runtime: Runtime, settings: WorkerSettings, directory: Path) -> "N8nProcess":
        return cls(runtime, settings, MAIN, directory)

    @classmethod
    def worker(cls, runtime: Runtime, settings: WorkerSettings, directory: Path,
               concurrency: int, name: str | None = None) -> "N8nProcess":
        return cls(runtime, settings, WORKER, directory, concurrency, name)

    @property
    def log_path(self) -> Path:
        return self.directory / "n8n.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def arguments(self) -> list[str]:
        return ["start"] if self.role == MAIN else ["worker", f"--concurrency={self.concurrency}"]

    def environment(self) -> dict[str, str]:
        env = {**self.runtime.environment(), **n8n_environment(self.settings)}
        env["N8N_USER_FOLDER"] = str(self.directory)
        env["N8N_RUNNERS_BROKER_PORT"] = str(self.broker_port)
        if self.role == MAIN:
            env.update(N8N_PORT=str(self.http_port), N8N_LISTEN_ADDRESS="127.0.0.1",
                       WEBHOOK_URL=f"{self.base_url}/", OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS="true")
        else:
            env.update(QUEUE_HEALTH_CHECK_PORT=str(self.http_port), N8N_LISTEN_ADDRESS="127.0.0.1")
        return env

    def start(self) -> None:
        if self.is_running():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(self.runtime.command(*self.arguments()), env=self.environment(),
                                          cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
        self.started_at = time.monotonic()
        self.starts += 1

    def is_running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def exit_code(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def ready(self, timeout: float = 2.0) -> bool:
        """n8n's own readiness: database connected and migrated, Redis not lost."""
        if not self.is_running():
            return False
        try:
            return requests.get(f"{self.base_url}/healthz/readiness", timeout=timeout).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float = 90.0) -> float:
        """Seconds from start until ready; raises with the log's tail if it exits or times out."""
        deadline = time.monotonic() + timeout
        while not self.ready():
            if not self.is_running():
                raise N8nCommandFailed(f"n8n {self.name} exited ({self.exit_code()}):\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise N8nCommandFailed(f"n8n {self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.5)
        return time.monotonic() - self.started_at

    def stop(self, timeout: float = 30.0) -> int | None:
        """Graceful: SIGTERM (n8n finishes running executions), then SIGKILL after timeout."""
        if not self.is_running():
            return self.exit_code()
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self._kill_group()
        return self.popen.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would (no graceful shutdown)."""
        if self.is_running():
            self._kill_group()
            self.popen.wait()

    def _kill_group(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def rss_bytes(self) -> int:
        """Resident memory of the process and its children (n8n's task runner)."""
        if not self.is_running():
            return 0
        try:
            parent = psutil.Process(self.popen.pid)
            family = [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for process in family:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def cpu_percent(self) -> float:
        """CPU use of the process since the previous call (psutil's interval semantics)."""
        if not self.is_running():
            return 0.0
        try:
            return psutil.Process(self.popen.pid).cpu_percent(None)
        except psutil.NoSuchProcess:
            return 0.0

    def executions_started(self) -> list[str]:
        """n8n execution ids this worker logged as started (its log is the only place n8n says)."""
        if not self.log_path.exists():
            return []
        return STARTED.findall(self.log_path.read_text(errors="replace"))

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def run_cli(runtime: Runtime, settings: WorkerSettings, directory: Path, *args: str,
            timeout: float = 180.0) -> str:
    """Run one n8n CLI command (import:workflow, publish:workflow, ...) and return its output."""
    directory.mkdir(parents=True, exist_ok=True)
    env = {**runtime.environment(), **n8n_environment(settings), "N8N_USER_FOLDER": str(directory),
           "N8N_RUNNERS_BROKER_PORT": str(free_port())}
    done = subprocess.run(runtime.command(*args), env=env, cwd=directory, capture_output=True,
                          text=True, timeout=timeout)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "An error occurred" in output:
        tail = "\n".join(output.splitlines()[-15:])
        raise N8nCommandFailed(f"n8n {' '.join(args)} failed (exit {done.returncode}):\n{tail}")
    return output
