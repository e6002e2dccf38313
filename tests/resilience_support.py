"""pytest fixtures shared by the security / bad-input / fault tests: throw-away TLS material and
private Redis and PostgreSQL servers (never the machine's shared ones)."""

from __future__ import annotations

import importlib.util
import secrets

import pytest

from masteryflow.testing.commands import REPO_ROOT, run_masteryflow  # noqa: F401 (re-exported for the tests)
from masteryflow.testing.own_postgres import OwnPostgres
from masteryflow.testing.own_redis import OwnRedis
from masteryflow.testing.tls import issue_loopback_certificates


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    return issue_loopback_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def redis_password():
    return "redis-" + secrets.token_hex(12)


@pytest.fixture(scope="session")
def postgres_password():
    return "pg-" + secrets.token_hex(12)


@pytest.fixture(scope="session")
def tls_redis(tmp_path_factory, tls_files, redis_password):
    server = OwnRedis(tmp_path_factory.mktemp("redis-tls"), tls=tls_files, password=redis_password).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tls_postgres(tls_files, postgres_password):
    server = OwnPostgres(password=postgres_password, tls=tls_files).start()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def plain_redis(tmp_path_factory, redis_password):
    server = OwnRedis(tmp_path_factory.mktemp("redis-plain"), password=redis_password).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def plain_postgres(postgres_password):
    server = OwnPostgres(password=postgres_password).start()
    yield server
    server.remove()


def command_exists(area: str) -> bool:
    return importlib.util.find_spec(f"masteryflow.{area}.command") is not None
