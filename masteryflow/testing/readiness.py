"""Watching a readiness endpoint over time: when it went unready and when it was ready again."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import requests

from masteryflow.testing.watching import BackgroundWatch


@dataclass
class ReadinessWatch(BackgroundWatch):
    url: str
    every_seconds: float = 0.2
    changes: list[tuple[float, bool, str]] = field(default_factory=list)  # (monotonic time, ready, body)

    def observe(self) -> None:
        ready, body = self._probe()
        if not self.changes or self.changes[-1][1] != ready:
            self.changes.append((time.monotonic(), ready, body))

    def _probe(self) -> tuple[bool, str]:
        try:
            answer = requests.get(self.url, timeout=2)
            return answer.status_code == 200, answer.text.strip()
        except requests.RequestException as problem:
            return False, f"no answer ({type(problem).__name__})"

    def first_unready_after(self, moment: float) -> tuple[float, str] | None:
        return next(((at, body) for at, ready, body in self.changes if at >= moment and not ready), None)

    def ready_again_after(self, moment: float) -> float | None:
        unready = self.first_unready_after(moment)
        if unready is None:
            return None
        return next((at for at, ready, _ in self.changes if at > unready[0] and ready), None)

    def is_ready_now(self) -> bool:
        return bool(self.changes) and self.changes[-1][1]
