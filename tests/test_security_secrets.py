"""Secrets never leak: the commands run with real passwords and encryption key (right and
wrong ones), and every byte they produce is searched for any form of those values: stdout,
stderr, log files, the HTML and JUnit reports of an acceptance run."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
from hamcrest import assert_that, empty, equal_to, is_not

from masteryflow import db
from masteryflow.testing.leaks import files_under, leaks_in_paths, leaks_in_text
from resilience_support import (REPO_ROOT, plain_postgres, plain_redis, postgres_password,  # noqa: F401
                                 redis_password, run_masteryflow)

WRONG_PASSWORD = "wrong-" + secrets.token_hex(10)


@pytest.fixture(scope="module")
def known_secrets(postgres_password, redis_password):
    return {"PostgreSQL password": postgres_password, "Redis password": redis_password,
            "a mistyped password": WRONG_PASSWORD}


@pytest.fixture(scope="module")
def secret_database(plain_postgres):
    url = db.create_database(plain_postgres.url(), "mf_res_secrets")
    return url


def output_leaks(done, secrets_by_name: dict, label: str) -> list:
    return (leaks_in_text(f"{label} stdout", done.stdout, secrets_by_name)
            + leaks_in_text(f"{label} stderr", done.stderr, secrets_by_name))


def test_migrate_keeps_the_password_out_of_success_and_failure_output(plain_postgres, secret_database,
                                                                      known_secrets):
    succeeded = run_masteryflow("migrate", "--database-url", secret_database)
    refused = run_masteryflow("migrate", "--database-url", db.with_database(
        plain_postgres.url(password=WRONG_PASSWORD), "mf_res_secrets"))
    assert_that(succeeded.exit_code, equal_to(0))
    assert_that(refused.exit_code, is_not(equal_to(0)))
    assert_that(refused.shows_a_stack_trace(), equal_to(False))
    leaks = output_leaks(succeeded, known_secrets, "migrate") + output_leaks(refused, known_secrets, "bad migrate")
    assert_that([str(leak) for leak in leaks], empty())


@pytest.mark.parametrize("password", ["right", "wrong"])
def test_an_acceptance_run_keeps_passwords_out_of_its_output_and_reports(plain_postgres, plain_redis, known_secrets,
                                                                         tmp_path, password):
    chosen = None if password == "right" else WRONG_PASSWORD
    done = subprocess.run(
        [sys.executable, "-m", "behave", "features/business", "--stop",
         "-D", f"database_url={plain_postgres.url(password=chosen)}", "-D", f"redis_url={plain_redis.url()}",
         "--junit-directory", str(tmp_path / "junit"), "-f", "html-pretty", "-o", str(tmp_path / "acceptance.html"),
         "-f", "plain", "-o", str(tmp_path / "plain.txt")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    produced = files_under([tmp_path])
    assert_that([p.name for p in produced], is_not(empty()))
    assert_that(done.returncode == 0, equal_to(password == "right"))
    leaks = output_leaks(done, known_secrets, "behave") + leaks_in_paths([tmp_path], known_secrets)
    assert_that([str(leak) for leak in leaks], empty())


def test_the_search_finds_a_secret_in_every_form_it_looks_for(tmp_path):
    secret = {"key": "p@ss/wörd+1"}
    (tmp_path / "log.txt").write_text("connecting to postgresql://u:p%40ss%2Fw%C3%B6rd%2B1@host/db")
    (tmp_path / "report.xml").write_bytes(b"<x>" + __import__("base64").b64encode("p@ss/wörd+1".encode()) + b"</x>")
    assert_that(len(leaks_in_paths([tmp_path], secret)), equal_to(2))
    assert_that(len(leaks_in_text("stderr", "error: bad password p@ss/wörd+1", secret)), equal_to(1))
