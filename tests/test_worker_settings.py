"""Worker settings: n8n's variable names parsed into typed values; secrets never shown."""

from __future__ import annotations

import pytest
from hamcrest import assert_that, contains_string, equal_to, is_not

from masteryflow.config import ConfigError
from masteryflow.worker.connections import postgres_sslmode
from masteryflow.worker.n8n import n8n_environment
from masteryflow.worker.settings import Secret, load_settings

KEY = "the-encryption-key-0123456789"


def test_defaults_are_n8ns_own():
    settings = load_settings({"N8N_ENCRYPTION_KEY": KEY})
    assert_that((settings.postgres.host, settings.postgres.port, settings.postgres.database), equal_to(("localhost", 5432, "n8n")))
    assert_that((settings.redis.port, settings.redis.db, settings.redis.prefix, settings.redis.tls), equal_to((6379, 0, "bull", False)))


def test_tls_and_numbers_are_typed():
    settings = load_settings({"N8N_ENCRYPTION_KEY": KEY, "QUEUE_BULL_REDIS_TLS": "true", "QUEUE_BULL_REDIS_DB": "3",
                              "DB_POSTGRESDB_SSL_ENABLED": "yes", "DB_POSTGRESDB_SSL_CA": "/etc/ca.pem",
                              "MASTERYFLOW_SAMPLE_INTERVAL": "2.5"})
    assert_that((settings.redis.tls, settings.redis.db, settings.postgres.ssl_enabled, settings.local.sample_interval),
                equal_to((True, 3, True, 2.5)))
    assert_that(postgres_sslmode(settings.postgres), equal_to("verify-full"))


@pytest.mark.parametrize("enabled, reject, ca, mode", [("false", "true", "", "disable"), ("true", "true", "", "require"),
                                                       ("true", "false", "/ca.pem", "require"),
                                                       ("true", "true", "/ca.pem", "verify-full")])
def test_postgres_tls_settings_map_to_libpq_sslmode(enabled, reject, ca, mode):
    settings = load_settings({"N8N_ENCRYPTION_KEY": KEY, "DB_POSTGRESDB_SSL_ENABLED": enabled,
                              "DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED": reject, "DB_POSTGRESDB_SSL_CA": ca})
    assert_that(postgres_sslmode(settings.postgres), equal_to(mode))


def test_a_private_ca_for_redis_reaches_both_the_check_and_n8n():
    settings = load_settings({"N8N_ENCRYPTION_KEY": KEY, "QUEUE_BULL_REDIS_TLS": "true", "NODE_EXTRA_CA_CERTS": "/ca.pem"})
    assert_that(settings.redis.ca_file, equal_to("/ca.pem"))
    assert_that(n8n_environment(settings)["NODE_EXTRA_CA_CERTS"], equal_to("/ca.pem"))


def test_a_missing_key_is_named_with_how_to_fix_it():
    with pytest.raises(ConfigError) as refused:
        load_settings({})
    assert_that(str(refused.value), contains_string("N8N_ENCRYPTION_KEY is not set: copy it from the VPS"))


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "soon"])
def test_a_sampling_interval_must_be_a_positive_finite_number(value):
    with pytest.raises(ConfigError) as refused:
        load_settings({"N8N_ENCRYPTION_KEY": KEY, "MASTERYFLOW_SAMPLE_INTERVAL": value})
    assert_that(str(refused.value), contains_string("MASTERYFLOW_SAMPLE_INTERVAL"))


def test_a_secret_prints_masked_but_keeps_its_value():
    secret = Secret("hunter22")
    assert_that((str(secret), repr(secret), f"{secret}", f"[{secret:>5}]"),
                equal_to(("***", "Secret('***')", "***", "[  ***]")))
    assert_that(secret.reveal(), equal_to("hunter22"))


def test_n8n_gets_the_real_secrets_in_its_environment():
    settings = load_settings({"N8N_ENCRYPTION_KEY": KEY, "DB_POSTGRESDB_PASSWORD": "pg-pass", "QUEUE_BULL_REDIS_PASSWORD": "rd-pass"})
    env = n8n_environment(settings)
    assert_that((env["N8N_ENCRYPTION_KEY"], env["DB_POSTGRESDB_PASSWORD"], env["QUEUE_BULL_REDIS_PASSWORD"]),
                equal_to((KEY, "pg-pass", "rd-pass")))
    assert_that(type(env["N8N_ENCRYPTION_KEY"]), equal_to(str))
    assert_that((env["EXECUTIONS_MODE"], env["N8N_DIAGNOSTICS_ENABLED"]), equal_to(("queue", "false")))


def test_the_settings_object_prints_without_secrets():
    shown = repr(load_settings({"N8N_ENCRYPTION_KEY": KEY, "DB_POSTGRESDB_PASSWORD": "pg-pass-123"}))
    assert_that(shown, is_not(contains_string(KEY)))
    assert_that(shown, is_not(contains_string("pg-pass-123")))
