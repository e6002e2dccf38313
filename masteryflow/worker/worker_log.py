"""What a worker did, read from its own log: n8n records no worker id with an execution, but each
worker logs "Worker started execution <id>" and "Worker finished execution <id>". An execution a
worker started and had not finished when the process died is lost: n8n does not retry it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

STARTED = re.compile(r"Worker started execution (\d+)")
FINISHED = re.compile(r"Worker (?:finished|errored while running) execution (\d+)")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class LogActivity:
    started: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LostExecution:
    """An n8n execution whose worker process died while running it."""
    execution_id: str
    worker: str
    started_seen_at: datetime  # when the worker's "started" line was read (n8n may store no start)
    lost_at: datetime          # when the worker was seen dead


class WorkerLogReader:
    """Reads a worker's log incrementally; each call returns only what is new since the last."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offset = 0
        self.running: dict[str, datetime] = {}  # execution id -> when its start was read

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
        seen_at = utc_now()
        self.running.update((execution_id, seen_at) for execution_id in activity.started)
        for execution_id in activity.finished:
            self.running.pop(execution_id, None)
        return activity

    def forget_running(self, worker: str) -> list[LostExecution]:
        """The worker process died: whatever it was running is lost; returns those executions."""
        lost_at = utc_now()
        lost = [LostExecution(execution_id, worker, seen_at, lost_at) for execution_id, seen_at in self.running.items()]
        self.running.clear()
        return lost
