"""TLS to the VPS as the local worker sees it: n8n itself migrates its database over TLS, and
`python -m masteryflow worker check` passes against TLS-only Redis and PostgreSQL configured the
way n8n reads its settings, and fails clearly (naming what to fix) with a wrong CA or TLS off."""

from __future__ import annotations

import re

import psycopg
import pytest
from hamcrest import any_of, assert_that, contains_string, equal_to, is_not, less_than, matches_regexp

from masteryflow import db
from masteryflow.worker.n8n import run_cli
from masteryflow.worker.runtime import RuntimeProblem, find_runtime
from masteryflow.worker.settings import load_settings
from resilience_support import (postgres_password, redis_password, run_masteryflow, tls_files,  # noqa: F401
                                tls_postgres, tls_redis)

ENCRYPTION_KEY = "tls-test-encryption-key-0123456789"
ANSWER_WITHIN_SECONDS = 10


def vps_environment(tls_redis, tls_postgres, tls_files, postgres_password, redis_password) -> dict:
    """How an operator configures a worker for a VPS whose TLS certificates come from their own CA."""
    return {
        "QUEUE_BULL_REDIS_HOST": "localhost", "QUEUE_BULL_REDIS_PORT": str(tls_redis.port),
        "QUEUE_BULL_REDIS_PASSWORD": redis_password, "QUEUE_BULL_REDIS_TLS": "true",
        "NODE_EXTRA_CA_CERTS": str(tls_files.ca_cert),          # n8n (Node) trusts the VPS's CA
        "DB_POSTGRESDB_HOST": "localhost", "DB_POSTGRESDB_PORT": str(tls_postgres.port),
        "DB_POSTGRESDB_USER": "postgres", "DB_POSTGRESDB_PASSWORD": postgres_password,
        "DB_POSTGRESDB_DATABASE": "n8n", "DB_POSTGRESDB_SSL_ENABLED": "true",
        "DB_POSTGRESDB_SSL_CA_FILE": str(tls_files.ca_cert),    # n8n reads the CA's file from here
        "N8N_ENCRYPTION_KEY": ENCRYPTION_KEY,
        "MASTERYFLOW_DATABASE_URL": tls_postgres.url("mf_res_platform", sslmode="verify-full",
                                                     sslrootcert=tls_files.ca_cert),
    }


@pytest.fixture(scope="module")
def vps(tls_redis, tls_postgres, tls_files, postgres_password, redis_password, tmp_path_factory):
    """The TLS-only VPS stand-in with n8n's tables (made by n8n itself, over TLS) and the platform's."""
    try:
        runtime = find_runtime()
    except RuntimeProblem as missing:
        pytest.skip(str(missing))
    environment = vps_environment(tls_redis, tls_postgres, tls_files, postgres_password, redis_password)
    db.create_database(tls_postgres.url(sslmode="require"), "n8n")
    db.apply_migrations(db.create_database(tls_postgres.url(sslmode="require"), "mf_res_platform"))
    with pytest.MonkeyPatch.context() as patch:  # n8n's CLI gets the operator's environment
        for name in ("DB_POSTGRESDB_SSL_CA_FILE", "NODE_EXTRA_CA_CERTS"):
            patch.setenv(name, environment[name])
        run_cli(runtime, load_settings(environment), tmp_path_factory.mktemp("n8n-cli"), "list:workflow")
    return environment


def check(environment: dict):
    return run_masteryflow("worker", "check", env=environment, timeout=60)


def test_n8n_itself_migrates_its_database_over_tls(vps, tls_postgres, tls_files):
    with psycopg.connect(tls_postgres.url("n8n", sslmode="verify-full", sslrootcert=tls_files.ca_cert)) as conn:
        assert_that(conn.execute("SELECT count(*) FROM migrations").fetchone()[0], is_not(equal_to(0)))


def test_worker_check_passes_against_tls_only_endpoints(vps):
    done = check(vps)
    assert_that(done.exit_code, equal_to(0), done.output)
    assert_that(done.stdout, matches_regexp(r"ok\s+redis\s+rediss://.*connected, authenticated, TLS"))
    assert_that(done.stdout, matches_regexp(r"ok\s+n8n database\s+.*connected, authenticated, TLS"))


def failure_of(done, check_name: str) -> str:
    """The FAIL line of one check (and its fix line), or '' when that check did not fail."""
    found = re.search(rf"^FAIL\s+{check_name}\s+.*(?:\n\s+fix: .*)?", done.stdout, re.MULTILINE)
    return found.group(0) if found else ""


@pytest.mark.parametrize("setting, check_name", [("NODE_EXTRA_CA_CERTS", "redis"),
                                                 ("DB_POSTGRESDB_SSL_CA_FILE", "n8n database"),
                                                 ("MASTERYFLOW_DATABASE_URL", "platform database")])
def test_worker_check_fails_clearly_when_it_trusts_the_wrong_ca(vps, tls_files, setting, check_name):
    environment = dict(vps)
    environment[setting] = environment[setting].replace(str(tls_files.ca_cert), str(tls_files.stranger_ca_cert))
    done = check(environment)
    assert_that(done.exit_code, equal_to(1), done.output)
    assert_that(done.shows_a_stack_trace(), equal_to(False))
    assert_that(failure_of(done, check_name), any_of(contains_string("certificate verify failed"),
                                                     contains_string("TLS problem")))
    assert_that(done.seconds, less_than(ANSWER_WITHIN_SECONDS))


@pytest.mark.parametrize("switch, check_name", [("QUEUE_BULL_REDIS_TLS", "redis"),
                                                ("DB_POSTGRESDB_SSL_ENABLED", "n8n database")])
def test_worker_check_names_the_tls_setting_when_tls_is_off(vps, switch, check_name):
    done = check({**vps, switch: "false"})
    assert_that(done.exit_code, equal_to(1), done.output)
    assert_that(done.shows_a_stack_trace(), equal_to(False))
    assert_that(failure_of(done, check_name), contains_string(switch))
    assert_that(done.seconds, less_than(ANSWER_WITHIN_SECONDS))


def test_n8n_started_from_the_worker_settings_reaches_the_tls_database(vps, tls_files, tmp_path):
    """The workers `worker up` starts get their environment from the worker settings: configured
    as compose/.env.example says (DB_POSTGRESDB_SSL_CA names the CA file), n8n must still connect."""
    documented = {name: value for name, value in vps.items() if name != "DB_POSTGRESDB_SSL_CA_FILE"}
    documented["DB_POSTGRESDB_SSL_CA"] = str(tls_files.ca_cert)
    output = run_cli(find_runtime(), load_settings(documented), tmp_path / "n8n-cli", "list:workflow")
    assert_that(output, is_not(contains_string("unable to verify")))
