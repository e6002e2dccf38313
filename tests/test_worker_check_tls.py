"""`worker check` over TLS to a private Redis and PostgreSQL (our own servers with a throw-away CA):
TLS settings connect and say so; a plaintext client is refused with the fix named."""

from __future__ import annotations

from hamcrest import assert_that, contains_string, equal_to, has_properties

from masteryflow.worker.check import FAIL, OK, check_n8n_database, check_redis
from masteryflow.worker.settings import load_settings
from resilience_support import postgres_password, redis_password, tls_files, tls_postgres, tls_redis  # noqa: F401


def settings_for(tls_redis, tls_postgres, tls_files, redis_password, postgres_password, **overrides):
    env = {"N8N_ENCRYPTION_KEY": "some-key-123", "QUEUE_BULL_REDIS_HOST": "localhost",
           "QUEUE_BULL_REDIS_PORT": str(tls_redis.port), "QUEUE_BULL_REDIS_PASSWORD": redis_password,
           "QUEUE_BULL_REDIS_TLS": "true", "NODE_EXTRA_CA_CERTS": str(tls_files.ca_cert),
           "DB_POSTGRESDB_HOST": "localhost", "DB_POSTGRESDB_PORT": str(tls_postgres.port),
           "DB_POSTGRESDB_DATABASE": "postgres", "DB_POSTGRESDB_PASSWORD": postgres_password,
           "DB_POSTGRESDB_SSL_ENABLED": "true", "DB_POSTGRESDB_SSL_CA": str(tls_files.ca_cert)}
    return load_settings({**env, **overrides})


def test_tls_to_redis_connects_verified(tls_redis, tls_postgres, tls_files, redis_password, postgres_password):
    findings = check_redis(settings_for(tls_redis, tls_postgres, tls_files, redis_password, postgres_password))
    assert_that(findings[0], has_properties(status=OK, detail=contains_string("connected, authenticated, TLS")))


def test_plaintext_to_a_tls_only_redis_names_the_tls_setting(tls_redis, tls_postgres, tls_files, redis_password,
                                                             postgres_password):
    settings = settings_for(tls_redis, tls_postgres, tls_files, redis_password, postgres_password,
                            QUEUE_BULL_REDIS_TLS="false")
    finding = check_redis(settings)[0]
    assert_that(finding.status, equal_to(FAIL))
    assert_that(finding.fix, contains_string("QUEUE_BULL_REDIS_TLS=true"))


def test_tls_to_postgres_verifies_the_server(tls_redis, tls_postgres, tls_files, redis_password, postgres_password):
    findings = check_n8n_database(settings_for(tls_redis, tls_postgres, tls_files, redis_password, postgres_password))
    assert_that(findings[0], has_properties(status=OK, detail=contains_string("connected, authenticated, TLS")))


def test_plaintext_to_a_tls_only_postgres_fails_clearly(tls_redis, tls_postgres, tls_files, redis_password,
                                                        postgres_password):
    settings = settings_for(tls_redis, tls_postgres, tls_files, redis_password, postgres_password,
                            DB_POSTGRESDB_SSL_ENABLED="false")
    findings = check_n8n_database(settings)
    assert_that(findings[0].status, equal_to(FAIL))
    assert_that(findings[0].detail, contains_string("refuses connections without TLS"))
    assert_that(findings[0].fix, contains_string("DB_POSTGRESDB_SSL_ENABLED=true"))
