"""A malformed .env gets a clear error naming the line, never its content."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hamcrest import assert_that, contains_string, equal_to, is_not

from masteryflow.config import ConfigError
from masteryflow.worker.envfile import read_env_file

REPO = Path(__file__).resolve().parents[1]


def test_names_values_comments_and_quotes(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# comment\n\nDB_POSTGRESDB_HOST=vps.example.com\nN8N_ENCRYPTION_KEY=\"k=1 2\"\nexport A='b'\nEMPTY=\n")
    assert_that(read_env_file(env), equal_to({"DB_POSTGRESDB_HOST": "vps.example.com", "N8N_ENCRYPTION_KEY": "k=1 2",
                                              "A": "b", "EMPTY": ""}))


def test_a_malformed_line_is_named_without_its_content(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DB_POSTGRESDB_HOST=vps\nN8N_ENCRYPTION_KEY super-secret-value\n")
    with pytest.raises(ConfigError) as refused:
        read_env_file(env)
    assert_that(str(refused.value), contains_string("line(s) 2 are not NAME=value"))
    assert_that(str(refused.value), is_not(contains_string("super-secret-value")))


def test_the_check_command_refuses_a_malformed_file_cleanly(tmp_path):
    env = tmp_path / ".env"
    env.write_text("QUEUE_BULL_REDIS_PASSWORD secret-in-a-bad-line\n")
    done = subprocess.run([sys.executable, "-m", "masteryflow", "worker", "check", "--env-file", str(env)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert_that(done.returncode, equal_to(1))
    assert_that(done.stderr, contains_string("line(s) 1 are not NAME=value"))
    assert_that(done.stdout + done.stderr, is_not(contains_string("secret-in-a-bad-line")))
    assert_that(done.stderr, is_not(contains_string("Traceback")))
