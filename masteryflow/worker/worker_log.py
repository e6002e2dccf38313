"""What a worker did, read from its own log: n8n records no worker id with an execution, but each
worker logs "Worker started execution <id>" and "Worker finished execution <id>"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

STARTED = re.compile(r"Worker started execution (\d+)")
FINISHED = re.compile(r"Worker (?:finished|errored while running) execution (\d+)")


@dataclass
class LogActivity:
    started: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)


class WorkerLogReader:
    """Reads a worker's log incrementally; each call returns only what is new since the last."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offset = 0
        self.running: set[str] = set()

    def read_new(self) -> LogActivity:
        if not self.path.exists():
            return LogActivity()
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            chunk = log.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]  # leave a half-written line for next time
        self.offset += len(complete)
        text = complete.decode("utf-8", errors="replace")
        activity = LogActivity(STARTED.findall(text), FINISHED.findall(text))
        self.running.update(activity.started)
        self.running.difference_update(activity.finished)
        return activity

    def forget_running(self) -> None:
        """The worker restarted: whatever it was running is no longer running on it."""
        self.running.clear()
