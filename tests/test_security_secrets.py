"""Secrets never leak: the commands run with real passwords and encryption key (right and
wrong ones), and every byte they produce is searched for any form of those values: stdout,
stderr, generated SQL files and manifest, the HTML and JUnit reports of an acceptance run."""

from __future__ import annotations

import base64
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
ENCRYPTION_KEY = "n8n-key-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def known_secrets(postgres_password, redis_password):
    return {"PostgreSQL password": postgres_password, "Redis password": redis_password,
            "a mistyped password": WRONG_PASSWORD, "N8N_ENCRYPTION_KEY": ENCRYPTION_KEY}


@pytest.fixture(scope="module")
def secret_database(plain_postgres):
    return db.create_database(plain_postgres.url(), "mf_res_secrets")


def wrong_password(url: str) -> str:
    return url.replace(url.split(":")[2].split("@")[0], WRONG_PASSWORD)


def output_leaks(done, secrets_by_name: dict, label: str) -> list:
    return (leaks_in_text(f"{label} stdout", done.stdout, secrets_by_name)
            + leaks_in_text(f"{label} stderr", done.stderr, secrets_by_name))


def test_migrate_seed_and_validate_keep_passwords_out_of_output_and_files(secret_database, known_secrets,
                                                                         tmp_path):
    runs = {
        "migrate": run_masteryflow("migrate", "--database-url", secret_database),
        "seed": run_masteryflow("seed", "--out", str(tmp_path / "seeded"), "--database-url", secret_database),
        "validate": run_masteryflow("validate", "--database-url", secret_database),
        "bad migrate": run_masteryflow("migrate", "--database-url", wrong_password(secret_database)),
        "bad seed": run_masteryflow("seed", "--out", str(tmp_path / "refused"), "--database-url",
                                    wrong_password(secret_database)),
        "bad validate": run_masteryflow("validate", "--database-url", wrong_password(secret_database)),
    }
    assert_that({label: run.exit_code == 0 for label, run in runs.items()},
                equal_to({"migrate": True, "seed": True, "validate": True,
                          "bad migrate": False, "bad seed": False, "bad validate": False}))
    assert_that([label for label, run in runs.items() if run.shows_a_stack_trace()], empty())
    leaks = [leak for label, run in runs.items() for leak in output_leaks(run, known_secrets, label)]
    leaks += leaks_in_paths([tmp_path], known_secrets)
    assert_that([str(leak) for leak in leaks], empty())


def test_worker_check_keeps_passwords_and_the_encryption_key_out_of_its_output(plain_postgres, plain_redis,
                                                                               known_secrets, secret_database,
                                                                               postgres_password, redis_password):
    environment = {
        "QUEUE_BULL_REDIS_HOST": "127.0.0.1", "QUEUE_BULL_REDIS_PORT": str(plain_redis.port),
        "DB_POSTGRESDB_HOST": "127.0.0.1", "DB_POSTGRESDB_PORT": str(plain_postgres.port),
        "DB_POSTGRESDB_DATABASE": "mf_res_secrets", "N8N_ENCRYPTION_KEY": ENCRYPTION_KEY,
        "MASTERYFLOW_DATABASE_URL": secret_database,
    }
    runs = [run_masteryflow("worker", "check", env={**environment, "QUEUE_BULL_REDIS_PASSWORD": redis_pw,
                                                    "DB_POSTGRESDB_PASSWORD": pg_pw})
            for redis_pw, pg_pw in ((redis_password, postgres_password), (WRONG_PASSWORD, WRONG_PASSWORD),
                                    (redis_password, WRONG_PASSWORD))]
    assert_that([run.shows_a_stack_trace() for run in runs], equal_to([False, False, False]))
    leaks = [leak for number, run in enumerate(runs) for leak in output_leaks(run, known_secrets, f"check {number}")]
    assert_that([str(leak) for leak in leaks], empty())


@pytest.mark.parametrize("password", ["right", "wrong"])
def test_an_acceptance_run_keeps_passwords_out_of_its_output_and_reports(plain_postgres, plain_redis, known_secrets,
                                                                         tmp_path, password):
    chosen = None if password == "right" else WRONG_PASSWORD
    done = subprocess.run(
        [sys.executable, "-m", "behave", "features/resilience/bad_input.feature", "--name", "A scale of zero",
         "-D", f"database_url={plain_postgres.url(password=chosen)}", "-D", f"redis_url={plain_redis.url()}",
         "--junit-directory", str(tmp_path / "junit"), "-f", "html-pretty", "-o", str(tmp_path / "acceptance.html"),
         "-f", "plain", "-o", str(tmp_path / "plain.txt")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert_that([p.name for p in files_under([tmp_path])], is_not(empty()))
    assert_that(done.returncode == 0, equal_to(password == "right"))
    leaks = output_leaks(done, known_secrets, "behave") + leaks_in_paths([tmp_path], known_secrets)
    assert_that([str(leak) for leak in leaks], empty())


def test_the_search_finds_a_secret_in_every_form_it_looks_for(tmp_path):
    secret = {"key": "p@ss/wörd+1"}
    (tmp_path / "log.txt").write_text("connecting to postgresql://u:p%40ss%2Fw%C3%B6rd%2B1@host/db")
    (tmp_path / "report.xml").write_bytes(b"<x>" + base64.b64encode("p@ss/wörd+1".encode()) + b"</x>")
    assert_that(len(leaks_in_paths([tmp_path], secret)), equal_to(2))
    assert_that(len(leaks_in_text("stderr", "error: bad password p@ss/wörd+1", secret)), equal_to(1))
