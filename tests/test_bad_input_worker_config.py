"""Malformed worker configuration gets one clear message naming each bad variable, never a
stack trace, and never echoes a secret; `worker check` answers within seconds, also when a
setting points at something that is not Redis or PostgreSQL at all."""

from __future__ import annotations

import socketserver
import string
import threading
import time

import pytest
from hamcrest import all_of, assert_that, contains_string, equal_to, is_not, less_than, matches_regexp
from hypothesis import given, settings
from hypothesis import strategies as st

from masteryflow.config import ConfigError
from masteryflow.testing.commands import run_masteryflow

settings_module = pytest.importorskip("masteryflow.worker.settings")

BASE = {"N8N_ENCRYPTION_KEY": "key-that-must-stay-secret-42", "DB_POSTGRESDB_PASSWORD": "pg-password-secret-17",
        "QUEUE_BULL_REDIS_PASSWORD": "redis-password-secret-99"}
NUMBERED = ["DB_POSTGRESDB_PORT", "QUEUE_BULL_REDIS_PORT", "QUEUE_BULL_REDIS_DB", "MASTERYFLOW_WORKER_COUNT",
            "MASTERYFLOW_WORKER_CONCURRENCY", "MASTERYFLOW_HEALTH_PORT", "MASTERYFLOW_MEMORY_BUDGET_MB"]
FLAGS = ["DB_POSTGRESDB_SSL_ENABLED", "QUEUE_BULL_REDIS_TLS", "DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED"]
SECONDS = ["MASTERYFLOW_SAMPLE_INTERVAL", "MASTERYFLOW_STUCK_AFTER"]

garbage = st.text(alphabet=string.printable + "éß€'\"", min_size=1, max_size=20).filter(lambda s: s.strip())


@given(name=st.sampled_from(NUMBERED + FLAGS + SECONDS), value=garbage)
@settings(max_examples=300, deadline=None)
def test_any_value_is_either_accepted_or_named_in_a_clear_error(name, value):
    try:
        loaded = settings_module.load_settings({**BASE, name: value})
    except ConfigError as problem:
        message = str(problem)
        assert_that(message, contains_string(name))
        for secret in BASE.values():
            assert_that(message, is_not(contains_string(secret)))
    else:
        assert_that(loaded.encryption_key.reveal(), equal_to(BASE["N8N_ENCRYPTION_KEY"]))


@pytest.mark.parametrize("name, value", [("DB_POSTGRESDB_PORT", "54x32"), ("QUEUE_BULL_REDIS_PORT", "70000"),
                                         ("QUEUE_BULL_REDIS_TLS", "maybe"), ("MASTERYFLOW_WORKER_COUNT", "0"),
                                         ("MASTERYFLOW_SAMPLE_INTERVAL", "-5")])
def test_known_bad_values_are_refused(name, value):
    with pytest.raises(ConfigError) as refused:
        settings_module.load_settings({**BASE, name: value})
    assert_that(str(refused.value), all_of(contains_string(name), contains_string(value)))


def test_every_problem_is_named_at_once():
    with pytest.raises(ConfigError) as refused:
        settings_module.load_settings({"DB_POSTGRESDB_PORT": "x", "QUEUE_BULL_REDIS_TLS": "perhaps"})
    assert_that(str(refused.value), all_of(contains_string("DB_POSTGRESDB_PORT"), contains_string("QUEUE_BULL_REDIS_TLS"),
                                           contains_string("N8N_ENCRYPTION_KEY")))


def test_settings_print_without_their_secrets():
    shown = repr(settings_module.load_settings(BASE)) + str(settings_module.load_settings(BASE))
    for secret in BASE.values():
        assert_that(shown, is_not(contains_string(secret)))


# --- the command an operator runs -------------------------------------------------------------

class WebAnswer(socketserver.BaseRequestHandler):
    """Answers anything with an HTTP error and keeps the connection open, as a web server or a
    proxy in the way does."""

    def handle(self):
        self.request.recv(1024)
        self.request.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        time.sleep(5)


@pytest.fixture(scope="module")
def web_server():
    """Something listening that is neither Redis nor PostgreSQL (a web port, a proxy)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), WebAnswer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_missing_configuration_is_named_at_once():
    done = run_masteryflow("worker", "check", env={name: "" for name in BASE})
    assert_that(done.exit_code, equal_to(1))
    assert_that(done.output, contains_string("N8N_ENCRYPTION_KEY is not set"))
    assert_that(done.shows_a_stack_trace(), equal_to(False))
    assert_that(done.seconds, less_than(5))


@pytest.mark.parametrize("port_setting, check_name", [("QUEUE_BULL_REDIS_PORT", "redis"),
                                                      ("DB_POSTGRESDB_PORT", "n8n database")])
def test_a_port_that_speaks_another_protocol_is_a_clear_failure(web_server, port_setting, check_name):
    done = run_masteryflow("worker", "check", env={**BASE, "QUEUE_BULL_REDIS_HOST": "127.0.0.1",
                                                   "DB_POSTGRESDB_HOST": "127.0.0.1", port_setting: str(web_server)})
    assert_that(done.exit_code, equal_to(1))
    assert_that(done.shows_a_stack_trace(), equal_to(False), done.output)
    assert_that(done.stdout, matches_regexp(rf"FAIL\s+{check_name}\s"))
    assert_that(done.seconds, less_than(10))
