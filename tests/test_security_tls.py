"""TLS to the VPS: rediss:// and sslmode=require / verify-full work against servers with a
self-signed CA, and a client that skips TLS or trusts the wrong CA is turned away, quickly."""

from __future__ import annotations

import time

import psycopg
import pytest
import redis
from hamcrest import assert_that, contains_string, equal_to, is_, less_than

from resilience_support import postgres_password, redis_password, tls_files, tls_postgres, tls_redis  # noqa: F401

ANSWER_WITHIN_SECONDS = 5


def test_rediss_with_the_servers_ca_talks_tls(tls_redis, tls_files):
    client = redis.Redis.from_url(tls_redis.url(), ssl_ca_certs=str(tls_files.ca_cert), ssl_cert_reqs="required",
                                  ssl_check_hostname=True)
    client.set("mf:res:tls", "ok")
    assert_that(client.get("mf:res:tls"), equal_to(b"ok"))
    assert_that(client.connection_pool.get_connection().__class__.__name__, equal_to("SSLConnection"))


def test_plain_redis_to_a_tls_only_port_fails_fast(tls_redis):
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(tls_redis.url(scheme="redis"), socket_timeout=3, socket_connect_timeout=3).ping()
    assert_that(time.monotonic() - started, less_than(ANSWER_WITHIN_SECONDS))


def test_rediss_trusting_another_ca_is_refused(tls_redis, tls_files):
    client = redis.Redis.from_url(tls_redis.url(), ssl_ca_certs=str(tls_files.stranger_ca_cert),
                                  socket_connect_timeout=3)
    with pytest.raises(redis.ConnectionError) as refused:
        client.ping()
    assert_that(str(refused.value), contains_string("certificate verify failed"))


def test_rediss_with_a_wrong_password_is_refused(tls_redis, tls_files):
    client = redis.Redis.from_url(tls_redis.url(password="not-the-password"), ssl_ca_certs=str(tls_files.ca_cert))
    with pytest.raises(redis.AuthenticationError):
        client.ping()


@pytest.mark.parametrize("sslmode", ["require", "verify-ca", "verify-full"])
def test_postgres_over_tls(tls_postgres, tls_files, sslmode):
    url = tls_postgres.url(sslmode=sslmode, sslrootcert=tls_files.ca_cert if sslmode != "require" else None)
    with psycopg.connect(url, connect_timeout=3) as conn:
        row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    assert_that(row[0], is_(True))


def test_plain_postgres_to_a_tls_only_server_is_rejected(tls_postgres):
    started = time.monotonic()
    with pytest.raises(psycopg.OperationalError) as rejected:
        psycopg.connect(tls_postgres.url(sslmode="disable"), connect_timeout=3)
    assert_that(str(rejected.value), contains_string("no encryption"))
    assert_that(time.monotonic() - started, less_than(ANSWER_WITHIN_SECONDS))


def test_postgres_trusting_another_ca_is_refused(tls_postgres, tls_files):
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(tls_postgres.url(sslmode="verify-full", sslrootcert=tls_files.stranger_ca_cert),
                        connect_timeout=3)
    assert_that(str(refused.value), contains_string("certificate verify failed"))
