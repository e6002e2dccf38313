"""The local worker's settings, read from the environment under n8n's own variable names.

Everything a worker shares with the VPS (PostgreSQL, Redis, the encryption key) uses the names
n8n itself reads, so one .env serves n8n and this project. Secrets are held in `Secret`, whose
text form is masked: a settings object can be printed or logged safely.
"""

from __future__ import annotations

import math
import os
import socket
import tempfile
from dataclasses import dataclass, field

from masteryflow.config import ConfigError, platform_database_url

TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}


class Secret(str):
    """A string that prints as *** (the value is still the string itself for code that needs it)."""

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"

    def __str__(self) -> str:
        return "***" if self else ""

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def reveal(self) -> str:
        return "".join(self)  # a plain str holding the value


@dataclass(frozen=True)
class PostgresSettings:
    host: str = "localhost"
    port: int = 5432
    database: str = "n8n"
    user: str = "postgres"
    password: Secret = Secret("")
    schema: str = "public"
    ssl_enabled: bool = False
    ssl_ca: str = ""
    ssl_cert: str = ""
    ssl_key: str = ""
    ssl_reject_unauthorized: bool = True

    def describe(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database} (schema {self.schema})"


@dataclass(frozen=True)
class RedisSettings:
    host: str = "localhost"
    port: int = 6379
    db: int = 0
    username: str = ""
    password: Secret = Secret("")
    tls: bool = False
    prefix: str = "bull"
    ca_file: str = ""  # NODE_EXTRA_CA_CERTS: the CA n8n (Node) trusts for a private TLS Redis

    def describe(self) -> str:
        scheme = "rediss" if self.tls else "redis"
        return f"{scheme}://{self.host}:{self.port}/{self.db} (prefix {self.prefix})"


@dataclass(frozen=True)
class LocalSideSettings:
    """How this machine runs its part: worker count, health endpoint, monitoring cadence."""
    workers: int = 1
    concurrency: int = 5
    health_host: str = "127.0.0.1"
    health_port: int = 5690
    sample_interval: float = 60.0
    stuck_after: float = 60.0
    memory_budget_mb: int = 2048
    worker_id_prefix: str = field(default_factory=socket.gethostname)


@dataclass(frozen=True)
class WorkerSettings:
    postgres: PostgresSettings
    redis: RedisSettings
    encryption_key: Secret
    platform_database_url: str
    local: LocalSideSettings


def load_settings(environ: dict | None = None) -> WorkerSettings:
    """Typed settings from the environment; every problem found is named in one ConfigError."""
    reader = _Reader(os.environ if environ is None else environ)
    settings = WorkerSettings(
        postgres=PostgresSettings(
            host=reader.text("DB_POSTGRESDB_HOST", "localhost"),
            port=reader.port("DB_POSTGRESDB_PORT", 5432),
            database=reader.text("DB_POSTGRESDB_DATABASE", "n8n"),
            user=reader.text("DB_POSTGRESDB_USER", "postgres"),
            password=Secret(reader.text("DB_POSTGRESDB_PASSWORD", "")),
            schema=reader.text("DB_POSTGRESDB_SCHEMA", "public"),
            ssl_enabled=reader.flag("DB_POSTGRESDB_SSL_ENABLED", False),
            ssl_ca=reader.pem_file("DB_POSTGRESDB_SSL_CA"),
            ssl_cert=reader.pem_file("DB_POSTGRESDB_SSL_CERT"),
            ssl_key=reader.pem_file("DB_POSTGRESDB_SSL_KEY"),
            ssl_reject_unauthorized=reader.flag("DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED", True),
        ),
        redis=RedisSettings(
            host=reader.text("QUEUE_BULL_REDIS_HOST", "localhost"),
            port=reader.port("QUEUE_BULL_REDIS_PORT", 6379),
            db=reader.integer("QUEUE_BULL_REDIS_DB", 0, minimum=0),
            username=reader.text("QUEUE_BULL_REDIS_USERNAME", ""),
            password=Secret(reader.text("QUEUE_BULL_REDIS_PASSWORD", "")),
            tls=reader.flag("QUEUE_BULL_REDIS_TLS", False),
            prefix=reader.text("QUEUE_BULL_PREFIX", "bull"),
            ca_file=reader.text("NODE_EXTRA_CA_CERTS", ""),
        ),
        encryption_key=Secret(reader.required("N8N_ENCRYPTION_KEY",
                                              "copy it from the VPS's n8n (its .env or ~/.n8n/config)")),
        platform_database_url=platform_database_url(reader.environ),
        local=LocalSideSettings(
            workers=reader.integer("MASTERYFLOW_WORKER_COUNT", 1, minimum=1),
            concurrency=reader.integer("MASTERYFLOW_WORKER_CONCURRENCY", 5, minimum=1),
            health_host=reader.text("MASTERYFLOW_HEALTH_HOST", "127.0.0.1"),
            health_port=reader.port("MASTERYFLOW_HEALTH_PORT", 5690, allow_zero=True),
            sample_interval=reader.seconds("MASTERYFLOW_SAMPLE_INTERVAL", 60.0),
            stuck_after=reader.seconds("MASTERYFLOW_STUCK_AFTER", 60.0),
            memory_budget_mb=reader.integer("MASTERYFLOW_MEMORY_BUDGET_MB", 2048, minimum=256),
            worker_id_prefix=reader.text("MASTERYFLOW_WORKER_ID", socket.gethostname()),
        ),
    )
    reader.raise_problems()
    return settings


class _Reader:
    """Reads typed values, collecting every problem instead of stopping at the first."""

    def __init__(self, environ):
        self.environ = environ
        self.problems: list[str] = []

    def text(self, name: str, default: str) -> str:
        value = self.environ.get(name)
        return default if value is None or value.strip() == "" else value.strip()

    def pem_file(self, name: str) -> str:
        """A file holding a PEM value, set the way n8n reads it: NAME_FILE names the file, NAME holds
        the PEM text itself (written to a private temporary file here) or, for convenience, a path."""
        path = self.text(f"{name}_FILE", "")
        value = self.text(name, "")
        if path or not value.lstrip().startswith("-----BEGIN"):
            return path or value
        with tempfile.NamedTemporaryFile("w", prefix="mf-tls-", suffix=".pem", delete=False) as pem:
            os.chmod(pem.name, 0o600)
            pem.write(value)
        return pem.name

    def required(self, name: str, how_to_fix: str) -> str:
        value = self.text(name, "")
        if not value:
            self.problems.append(f"{name} is not set: {how_to_fix}")
        return value

    def integer(self, name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
        raw = self.text(name, "")
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{name} must be a whole number, got {raw!r}")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            self.problems.append(f"{name} must be {bounds}, got {value}")
            return default
        return value

    def port(self, name: str, default: int, allow_zero: bool = False) -> int:
        return self.integer(name, default, minimum=0 if allow_zero else 1, maximum=65535)

    def seconds(self, name: str, default: float) -> float:
        raw = self.text(name, "")
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not math.isfinite(value) or value <= 0:
            self.problems.append(f"{name} must be a positive number of seconds, got {raw!r}")
            return default
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.problems.append(f"{name} must be true or false, got {raw.strip()!r}")
        return default

    def raise_problems(self) -> None:
        if self.problems:
            raise ConfigError("worker settings are not usable:\n  - " + "\n  - ".join(self.problems))
