"""Connections to the VPS's Redis and n8n PostgreSQL database, built from the worker settings.

Short connect timeouts: an unreachable VPS must be reported within seconds, not minutes.
"""

from __future__ import annotations

import psycopg
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from masteryflow.worker.settings import PostgresSettings, RedisSettings

CONNECT_TIMEOUT_SECONDS = 3


def redis_client(settings: RedisSettings, timeout: float = CONNECT_TIMEOUT_SECONDS,
                 retries: int = 0) -> redis.Redis:
    """A client that fails after one timeout (redis-py otherwise retries, tripling the wait)."""
    tls_options = {"ssl_ca_certs": settings.ca_file} if settings.tls and settings.ca_file else {}
    return redis.Redis(host=settings.host, port=settings.port, db=settings.db,
                       username=settings.username or None, password=settings.password.reveal() or None,
                       ssl=settings.tls, socket_connect_timeout=timeout, socket_timeout=timeout,
                       retry=Retry(NoBackoff(), retries), decode_responses=True, **tls_options)


def postgres_sslmode(settings: PostgresSettings) -> str:
    """n8n's DB_POSTGRESDB_SSL_* in libpq terms: verify the certificate unless told not to. Without
    SSL n8n connects in plaintext, so the check does too (libpq's "prefer" would hide a TLS-only server)."""
    if not settings.ssl_enabled:
        return "disable"
    if not settings.ssl_reject_unauthorized:
        return "require"
    return "verify-full" if settings.ssl_ca else "require"


def postgres_connect(settings: PostgresSettings, timeout: int = CONNECT_TIMEOUT_SECONDS,
                     **kwargs) -> psycopg.Connection:
    options = dict(host=settings.host, port=settings.port, dbname=settings.database, user=settings.user,
                   connect_timeout=timeout, sslmode=postgres_sslmode(settings))
    if settings.password:
        options["password"] = settings.password.reveal()
    for libpq_name, value in (("sslrootcert", settings.ssl_ca), ("sslcert", settings.ssl_cert),
                              ("sslkey", settings.ssl_key)):
        if value and settings.ssl_enabled:
            options[libpq_name] = value
    if settings.schema != "public":
        options["options"] = f"-c search_path={settings.schema}"
    return psycopg.connect(**options, **kwargs)
