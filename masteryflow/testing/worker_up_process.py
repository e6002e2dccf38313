"""`python -m masteryflow worker up` as an operator runs it: a separate process with the settings
in its environment, its health endpoint found from the line it prints once it is up."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from masteryflow.testing.commands import REPO_ROOT
from masteryflow.testing.prometheus import parse_metrics

UP_LINE = re.compile(r"local worker side up: .*health on (http://\S+)")


class WorkerUpProcess:
    def __init__(self, environment: dict[str, str], state_dir: Path):
        self.output: list[str] = []
        self.health_url: str | None = None
        self._up = threading.Event()
        self.popen = subprocess.Popen([sys.executable, "-m", "masteryflow", "worker", "up", "--state-dir", str(state_dir)],
                                      cwd=REPO_ROOT, env={**os.environ, **environment}, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read_output, name="worker-up-output", daemon=True).start()

    def _read_output(self) -> None:
        for line in self.popen.stdout:
            self.output.append(line.rstrip("\n"))
            found = UP_LINE.search(line)
            if found:
                self.health_url = found.group(1)
                self._up.set()

    def wait_up(self, timeout: float = 120.0) -> str:
        """The health endpoint's URL once the service says it is up."""
        deadline = time.monotonic() + timeout
        while not self._up.wait(0.2):
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker up did not come up (exit {self.popen.poll()}):\n" + self.tail())
        return self.health_url

    def metrics(self) -> dict[str, float]:
        return parse_metrics(requests.get(f"{self.health_url}/metrics", timeout=5).text)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output[-lines:])

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM, as an operator's Ctrl-C or a container stop; returns the exit code."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.wait()
