"""Connectivity check before anything starts: Redis, n8n's PostgreSQL, the encryption key, the
platform database. Each check returns findings that say what is wrong and how to fix it; no
check prints a secret or a stack trace, and an unreachable host fails within seconds.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable

import psycopg
import redis

from masteryflow.config import mask_url
from masteryflow.worker import credentials
from masteryflow.worker.connections import CONNECT_TIMEOUT_SECONDS, postgres_connect, redis_client
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.settings import WorkerSettings

OK, WARN, FAIL = "ok", "warn", "FAIL"
MINIMUM_REDIS_MAJOR = 6
MIN_REDACTED_LENGTH = 4  # masking every "x" in a message would garble it without protecting anything
N8N_MIGRATIONS_OF_PINNED_VERSION = 270  # rows in n8n 2.40.7's `migrations` table
N8N_TABLES = ("migrations", "execution_entity", "workflow_entity", "credentials_entity", "webhook_entity")
PLATFORM_TABLES = ("plans", "users", "subscriptions", "workflow_categories", "workflows", "orders",
                   "payments", "executions", "comments", "comment_reports", "ratings", "favorites",
                   "usage_logs", "transactions", "activities", "worker_performance_logs")


@dataclass(frozen=True)
class Finding:
    check: str
    status: str
    detail: str
    fix: str = ""


def run_checks(settings: WorkerSettings) -> list[Finding]:
    findings: list[Finding] = []
    for check in (check_redis, check_n8n_database, check_platform_database):
        try:
            findings.extend(check(settings))
        except Exception as unexpected:  # an operator gets a finding, never a stack trace
            findings.append(Finding(check.__name__.removeprefix("check_").replace("_", " "), FAIL,
                                    f"unexpected {type(unexpected).__name__}: {describe_connection_error(unexpected)}",
                                    "check the host, port and TLS settings of this service"))
    return [redact(finding, settings) for finding in findings]


def failed(findings: list[Finding]) -> bool:
    return any(finding.status == FAIL for finding in findings)


def render(findings: list[Finding]) -> str:
    width = max(len(finding.check) for finding in findings)
    lines = []
    for finding in findings:
        lines.append(f"{finding.status:<4}  {finding.check:<{width}}  {finding.detail}")
        if finding.fix:
            lines.append(f"{'':<4}  {'':<{width}}  fix: {finding.fix}")
    return "\n".join(lines)


def redact(finding: Finding, settings: WorkerSettings) -> Finding:
    """Belt and braces: no secret survives in a message, whatever a driver put into it."""
    secrets = [s.reveal() for s in (settings.encryption_key, settings.postgres.password,
                                    settings.redis.password) if len(s) >= MIN_REDACTED_LENGTH]
    detail, fix = finding.detail, finding.fix
    for secret in secrets:
        detail, fix = detail.replace(secret, "***"), fix.replace(secret, "***")
    return Finding(finding.check, finding.status, detail, fix)


# --- Redis ---------------------------------------------------------------------------------

def check_redis(settings: WorkerSettings) -> list[Finding]:
    target = settings.redis.describe()
    client = redis_client(settings.redis)
    try:
        client.ping()
        info = client.info("server")
        latency_ms = median_latency_ms(client.ping)
        queue = BullQueue(client, settings.redis.prefix)
        queue_present = queue.exists()
        other_prefixes = [] if queue_present else queue_prefixes(client)
    except redis.AuthenticationError:
        return [Finding("redis", FAIL, f"{target}: Redis refused the credentials",
                        "set QUEUE_BULL_REDIS_PASSWORD (and QUEUE_BULL_REDIS_USERNAME for an ACL user) "
                        "to the VPS's values")]
    except redis.ResponseError as refused:
        if "NOAUTH" in str(refused) or "WRONGPASS" in str(refused):
            return [Finding("redis", FAIL, f"{target}: Redis requires a password",
                            "set QUEUE_BULL_REDIS_PASSWORD to the VPS's Redis password")]
        return [Finding("redis", FAIL, f"{target}: Redis answered with an error: {refused}",
                        "check QUEUE_BULL_REDIS_DB and the user's ACL permissions")]
    except (redis.ConnectionError, redis.TimeoutError) as unreachable:
        return [Finding("redis", FAIL, f"{target}: cannot connect within {CONNECT_TIMEOUT_SECONDS} s "
                        f"({describe_connection_error(unreachable)})", redis_reach_fix(settings))]
    except redis.RedisError as garbled:
        return [Finding("redis", FAIL, f"{target}: the port does not answer like Redis "
                        f"({describe_connection_error(garbled)})",
                        "check QUEUE_BULL_REDIS_PORT (and QUEUE_BULL_REDIS_TLS) against the VPS's Redis")]
    finally:
        client.close()
    return redis_findings(settings, info, latency_ms, queue_present, other_prefixes)


def redis_findings(settings, info, latency_ms, queue_present, other_prefixes) -> list[Finding]:
    version = str(info.get("redis_version", "?"))
    major = int(version.split(".")[0]) if version.split(".")[0].isdigit() else 0
    tls = "TLS" if settings.redis.tls else "no TLS"
    findings = [
        Finding("redis", OK, f"{settings.redis.describe()}: connected, authenticated, {tls}"),
        Finding("redis version", OK if major >= MINIMUM_REDIS_MAJOR else FAIL, f"Redis {version}",
                "" if major >= MINIMUM_REDIS_MAJOR else f"n8n's queue needs Redis {MINIMUM_REDIS_MAJOR} or newer"),
        Finding("redis latency", OK if latency_ms < 250 else WARN, f"{latency_ms:.1f} ms per round trip",
                "" if latency_ms < 250 else "a slow link to the VPS delays every job; check the network path"),
    ]
    if queue_present:
        findings.append(Finding("n8n queue", OK, f"Bull queue '{settings.redis.prefix}:jobs' found"))
    else:
        hint = f" (queues found under prefix: {', '.join(other_prefixes)})" if other_prefixes else ""
        findings.append(Finding("n8n queue", WARN, f"no Bull queue under prefix '{settings.redis.prefix}' "
                                f"in database {settings.redis.db} yet{hint}",
                                "set QUEUE_BULL_PREFIX and QUEUE_BULL_REDIS_DB as on the VPS's n8n main "
                                "(the queue appears once main has queued a job)"))
    return findings


def median_latency_ms(ping: Callable[[], object], samples: int = 5) -> float:
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        ping()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def queue_prefixes(client: redis.Redis) -> list[str]:
    return sorted({key.rsplit(":jobs:id", 1)[0] for key in client.scan_iter(match="*:jobs:id", count=500)})


def redis_reach_fix(settings: WorkerSettings) -> str:
    fix = "check QUEUE_BULL_REDIS_HOST and QUEUE_BULL_REDIS_PORT, the VPS firewall, or the SSH tunnel"
    if not settings.redis.tls:
        fix += "; if the VPS's Redis only accepts TLS, set QUEUE_BULL_REDIS_TLS=true"
    return fix


def describe_connection_error(problem: Exception) -> str:
    text = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
    return text[:160]


# --- PostgreSQL ----------------------------------------------------------------------------

def postgres_failure(check: str, target: str, problem: psycopg.Error, setting_prefix: str) -> Finding:
    text = str(problem)
    if "password authentication failed" in text or "no password supplied" in text:
        return Finding(check, FAIL, f"{target}: PostgreSQL refused the password",
                       f"set {setting_prefix}PASSWORD to the VPS database user's password")
    if "does not exist" in text and "database" in text:
        return Finding(check, FAIL, f"{target}: the database does not exist",
                       f"set {setting_prefix}DATABASE to the database n8n uses on the VPS")
    if "no encryption" in text:
        return Finding(check, FAIL, f"{target}: the server refuses connections without TLS",
                       "set DB_POSTGRESDB_SSL_ENABLED=true (and DB_POSTGRESDB_SSL_CA to verify it; "
                       "sslmode=verify-full in a URL)")
    if "SSL" in text or "certificate" in text:
        return Finding(check, FAIL, f"{target}: TLS problem ({describe_connection_error(problem)})",
                       "check DB_POSTGRESDB_SSL_ENABLED / DB_POSTGRESDB_SSL_CA (or sslmode in the URL)")
    return Finding(check, FAIL, f"{target}: cannot connect within {CONNECT_TIMEOUT_SECONDS} s "
                   f"({describe_connection_error(problem)})",
                   f"check {setting_prefix}HOST and {setting_prefix}PORT, the VPS firewall, or the SSH tunnel")


def check_n8n_database(settings: WorkerSettings) -> list[Finding]:
    pg = settings.postgres
    try:
        with postgres_connect(pg) as conn:
            tls = "TLS" if conn.pgconn.ssl_in_use else "no TLS"
            tables = existing_tables(conn, pg.schema, N8N_TABLES)
            migrations = (conn.execute("SELECT count(*) FROM migrations").fetchone()[0]
                          if "migrations" in tables else 0)
            stored = (conn.execute('SELECT data FROM credentials_entity ORDER BY "updatedAt" DESC LIMIT 1')
                      .fetchone() if "credentials_entity" in tables else None)
    except psycopg.Error as problem:
        return [postgres_failure("n8n database", pg.describe(), problem, "DB_POSTGRESDB_")]
    findings = [Finding("n8n database", OK, f"{pg.describe()}: connected, authenticated, {tls}")]
    missing = [name for name in N8N_TABLES if name not in tables]
    if missing:
        findings.append(Finding("n8n tables", FAIL, f"missing in schema {pg.schema}: {', '.join(missing)}",
                                "point DB_POSTGRESDB_DATABASE / DB_POSTGRESDB_SCHEMA at the VPS's n8n database "
                                "(n8n main creates its tables on first start)"))
        return findings
    findings.append(migrations_finding(migrations))
    findings.append(encryption_key_finding(stored[0] if stored else None, settings.encryption_key.reveal()))
    return findings


def existing_tables(conn: psycopg.Connection, schema: str, wanted) -> set[str]:
    rows = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                        "AND table_name = ANY(%s)", (schema, list(wanted))).fetchall()
    return {row[0] for row in rows}


def migrations_finding(applied: int) -> Finding:
    expected = N8N_MIGRATIONS_OF_PINNED_VERSION
    if applied == expected:
        return Finding("n8n migrations", OK, f"{applied} applied, as n8n 2.40.7 expects")
    if applied < expected:
        return Finding("n8n migrations", WARN, f"{applied} applied, n8n 2.40.7 has {expected}: the VPS runs "
                       "an older n8n", "upgrade the VPS's n8n main first; a newer worker migrates nothing")
    return Finding("n8n migrations", WARN, f"{applied} applied, more than n8n 2.40.7's {expected}: the VPS "
                   "runs a newer n8n", "pin worker-runtime/package.json to the VPS's n8n version")


def encryption_key_finding(stored: str | None, encryption_key: str) -> Finding:
    if stored is None:
        return Finding("encryption key", WARN, "no stored credential to verify N8N_ENCRYPTION_KEY against",
                       "create any credential in n8n, then run the check again")
    try:
        opens = credentials.key_opens(stored, encryption_key)
    except credentials.UnsupportedFormat as unknown:
        return Finding("encryption key", WARN, f"cannot verify: {unknown}")
    if opens:
        return Finding("encryption key", OK, "N8N_ENCRYPTION_KEY decrypts a stored credential")
    return Finding("encryption key", FAIL, "N8N_ENCRYPTION_KEY does not decrypt the VPS's stored credentials: "
                   "every execution using a credential would fail on this worker",
                   "copy N8N_ENCRYPTION_KEY from the VPS's n8n main (its environment or ~/.n8n/config)")


def check_platform_database(settings: WorkerSettings) -> list[Finding]:
    url = settings.platform_database_url
    target = mask_url(url)
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            tables = existing_tables(conn, "public", PLATFORM_TABLES)
    except psycopg.Error as problem:
        finding = postgres_failure("platform database", target, problem, "MASTERYFLOW_DATABASE_URL ")
        return [Finding(finding.check, finding.status, finding.detail,
                        "set MASTERYFLOW_DATABASE_URL to the platform database "
                        "(postgresql://user:password@host:port/dbname?sslmode=require)")]
    missing = [name for name in PLATFORM_TABLES if name not in tables]
    if missing:
        return [Finding("platform tables", FAIL, f"{target}: {len(missing)} of the platform's "
                        f"{len(PLATFORM_TABLES)} tables are missing ({', '.join(missing[:4])}"
                        f"{', ...' if len(missing) > 4 else ''})",
                        "run `python -m masteryflow migrate` against MASTERYFLOW_DATABASE_URL")]
    return [Finding("platform tables", OK, f"{target}: all {len(PLATFORM_TABLES)} tables present")]
