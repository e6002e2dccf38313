"""Platform runs sent through a real n8n stack and followed to their end: each run is admitted by
the platform's rules, then requested through n8n's webhook from a thread pool, like customers
calling at the same time. Used to count what a fault costs: runs accepted, answered, lost."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
from faker import Faker
from psycopg.rows import dict_row

from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.worker.platform_runs import request_run, trigger_webhook

OPEN_STATUSES = ("queued", "running")
TERMINAL_STATUSES = ("success", "error", "timeout", "crashed")


@dataclass
class TrackedRun:
    platform_id: int
    requested_at: float
    answer: Future

    def answered_ok(self) -> bool:
        return self.answer.done() and self.answer.exception() is None and self.answer.result().status_code == 200

    def refused_by_n8n(self) -> bool:
        """n8n answered at once that it could not take the run (it never queued it)."""
        return self.answer.done() and (self.answer.exception() is not None or self.answer.result().status_code >= 500)


@dataclass
class RunTraffic:
    platform_url: str
    n8n_url: str
    webhook_path: str
    n8n_workflow_id: str
    runs: list[TrackedRun] = field(default_factory=list)

    def __post_init__(self):
        self._db = psycopg.connect(self.platform_url, autocommit=True, row_factory=dict_row)
        self._pool = ThreadPoolExecutor(max_workers=64, thread_name_prefix="customer")
        self._lock = threading.Lock()
        faker = Faker()
        faker.seed_instance(6)
        self.customer = create_user(self._db, faker, tier="vip")["id"]
        listing = create_workflow(self._db, faker)["id"]
        self._db.execute("UPDATE workflows SET n8n_workflow_id = %s WHERE id = %s", (self.n8n_workflow_id, listing))
        self.listing = listing

    def request(self) -> TrackedRun:
        with self._lock:
            admitted = request_run(self._db, self.customer, self.listing)
        run = TrackedRun(admitted["id"], time.monotonic(),
                         self._pool.submit(trigger_webhook, self.n8n_url, self.webhook_path, admitted["id"]))
        self.runs.append(run)
        return run

    def request_many(self, count: int) -> list[TrackedRun]:
        return [self.request() for _ in range(count)]

    def stream(self, every_seconds: float, for_seconds: float) -> threading.Thread:
        """Request a run every `every_seconds` for `for_seconds`, from a background thread."""
        def keep_requesting():
            until = time.monotonic() + for_seconds
            while time.monotonic() < until:
                self.request()
                time.sleep(every_seconds)
        thread = threading.Thread(target=keep_requesting, name="run-stream", daemon=True)
        thread.start()
        return thread

    def wait_for_answers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for run in list(self.runs):
            try:
                run.answer.result(max(0.0, deadline - time.monotonic()))
            except Exception:  # noqa: BLE001 - a failed call is an answer too; counted by the caller
                pass

    def platform_statuses(self) -> dict[int, str]:
        ids = [run.platform_id for run in self.runs]
        with self._lock:
            rows = self._db.execute("SELECT id, status FROM executions WHERE id = ANY(%s)", (ids,)).fetchall()
        return {row["id"]: row["status"] for row in rows}

    def accepted(self) -> list[TrackedRun]:
        """Runs n8n took: everything but the calls it refused at once."""
        return [run for run in self.runs if not run.refused_by_n8n()]

    def wait_until_recorded(self, runs: list[TrackedRun], timeout: float) -> list[int]:
        """Wait until every run has a terminal status in the platform database; return those still open."""
        deadline = time.monotonic() + timeout
        while True:
            statuses = self.platform_statuses()
            still_open = [run.platform_id for run in runs if statuses.get(run.platform_id) in OPEN_STATUSES]
            if not still_open or time.monotonic() > deadline:
                return still_open
            time.sleep(0.5)

    def status_counts(self) -> Counter:
        return Counter(self.platform_statuses().values())

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._db.close()
