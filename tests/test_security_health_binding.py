"""The local side's health endpoint listens on this machine only, unless the operator says
otherwise (MASTERYFLOW_HEALTH_HOST): nobody on the network reads its metrics by default."""

from __future__ import annotations

import socket

import psutil
import pytest
import requests
from hamcrest import assert_that, equal_to

from masteryflow.worker.runtime import Runtime
from masteryflow.worker.service import LocalWorkerSide
from masteryflow.worker.settings import load_settings


def network_address() -> str | None:
    """An IPv4 address of this machine other than loopback, or None."""
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                return address.address
    return None


def answers(host: str, port: int) -> bool:
    try:
        return requests.get(f"http://{host}:{port}/healthz", timeout=2) is not None
    except requests.ConnectionError:
        return False


@pytest.fixture
def health_endpoint(tmp_path):
    """The real `worker up` endpoint, built from settings (no n8n process is started)."""
    def build(**environment):
        settings = load_settings({"N8N_ENCRYPTION_KEY": "binding-test", "MASTERYFLOW_HEALTH_PORT": "0",
                                  **environment})
        side = LocalWorkerSide.build(Runtime(tmp_path, "test"), settings, tmp_path / "state")
        side.http.start()
        built.append(side)
        return side.http.server.server_address
    built = []
    yield build
    for side in built:
        side.http.stop()


def test_the_endpoint_binds_to_localhost_by_default(health_endpoint):
    host, port = health_endpoint()
    assert_that(host, equal_to("127.0.0.1"))
    assert_that(answers("127.0.0.1", port), equal_to(True))
    outside = network_address()
    if outside:
        assert_that(answers(outside, port), equal_to(False))


def test_the_operator_can_open_it_to_the_network(health_endpoint):
    outside = network_address()
    if outside is None:
        pytest.skip("this machine has no network address besides loopback")
    host, port = health_endpoint(MASTERYFLOW_HEALTH_HOST="0.0.0.0")
    assert_that(answers(outside, port), equal_to(True))
