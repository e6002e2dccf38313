"""Running `python -m masteryflow ...` as an operator would: a separate process, from the
repository root, with extra environment variables, output captured."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CommandRun:
    arguments: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def shows_a_stack_trace(self) -> bool:
        return "Traceback (most recent call last)" in self.output


def run_masteryflow(*arguments: str, env: dict | None = None, timeout: float = 300.0) -> CommandRun:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "masteryflow", *arguments], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return CommandRun(tuple(arguments), done.returncode, done.stdout, done.stderr, time.monotonic() - started)
