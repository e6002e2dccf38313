"""The compose files are valid for docker-compose, and the worker's refuses to start without
its required secrets (named in the error). Needs Debian's docker-compose (no engine needed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hamcrest import assert_that, contains_string, equal_to, is_not

COMPOSE = Path(__file__).resolve().parents[1] / "compose"
pytestmark = pytest.mark.skipif(shutil.which("docker-compose") is None,
                                reason="docker-compose is not installed (apt-get install -y docker-compose)")
COMPLETE_ENV = {
    "DB_POSTGRESDB_HOST": "vps.example.com", "DB_POSTGRESDB_USER": "n8n",
    "DB_POSTGRESDB_PASSWORD": "pg-secret-for-the-test", "QUEUE_BULL_REDIS_HOST": "vps.example.com",
    "N8N_ENCRYPTION_KEY": "key-secret-for-the-test", "WEBHOOK_URL": "https://n8n.example.com/",
    "MASTERYFLOW_DATABASE_URL": "postgresql://app@vps.example.com/masteryflow",
}


def compose_config(file_name: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in env.items()))
    return subprocess.run(["docker-compose", "--env-file", str(env_file), "-f", str(COMPOSE / file_name),
                           "config", "-q"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})


def test_the_vps_stand_in_is_valid_without_any_setting(tmp_path):
    done = compose_config("docker-compose.vps.yml", {}, tmp_path)
    assert_that(done.returncode, equal_to(0), done.stderr)


def test_the_worker_file_is_valid_with_every_required_setting(tmp_path):
    done = compose_config("docker-compose.worker.yml", COMPLETE_ENV, tmp_path)
    assert_that(done.returncode, equal_to(0), done.stderr)


@pytest.mark.parametrize("missing", ["N8N_ENCRYPTION_KEY", "DB_POSTGRESDB_PASSWORD", "QUEUE_BULL_REDIS_HOST",
                                     "MASTERYFLOW_DATABASE_URL"])
def test_the_worker_file_names_a_missing_required_setting(tmp_path, missing):
    env = {name: value for name, value in COMPLETE_ENV.items() if name != missing}
    done = compose_config("docker-compose.worker.yml", env, tmp_path)
    assert_that(done.returncode, is_not(equal_to(0)))
    assert_that(done.stderr, contains_string(f"set {missing}"))


def test_the_example_env_file_holds_no_secret_values():
    for line in (COMPOSE / ".env.example").read_text().splitlines():
        name, _, value = line.partition("=")
        if name.endswith(("PASSWORD", "ENCRYPTION_KEY")):
            assert_that(value, equal_to(""), f"{name} must stay empty in the example")
