"""Platform runs sent through a real n8n stack and followed to their end: each run is admitted by
the platform's rules, then requested through n8n's webhook from a thread pool, like customers
calling at the same time. Used to count what a fault costs: runs accepted, answered, lost.

The customer side (admission, reading outcomes) opens a connection per operation and retries a
dropped one, as a platform backend would: a fault injected into the databases must hit the
system under test, not the test's own bookkeeping."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import psycopg
from faker import Faker
from psycopg.rows import dict_row

from masteryflow.testing.builders.accounts import create_user
from masteryflow.testing.builders.catalog import create_workflow
from masteryflow.worker import n8n_records
from masteryflow.worker.platform_runs import request_run, run_token, trigger_webhook

OPEN_STATUSES = ("queued", "running")
ATTEMPTS = 10


@dataclass
class TrackedRun:
    platform_id: int
    requested_at: float
    answer: Future

    def call_failed(self) -> bool:
        """The webhook call ended in an error instead of the run's answer."""
        return self.answer.done() and (self.answer.exception() is not None or self.answer.result().status_code >= 500)


@dataclass
class RunTraffic:
    platform_url: str
    n8n_database_url: str
    n8n_url: str
    webhook_path: str
    n8n_workflow_id: str
    runs: list[TrackedRun] = field(default_factory=list)

    def __post_init__(self):
        self._pool = ThreadPoolExecutor(max_workers=64, thread_name_prefix="customer")
        faker = Faker()
        faker.seed_instance(6)
        with self._connect(self.platform_url) as platform:
            self.customer = create_user(platform, faker, tier="vip")["id"]
            self.listing = create_workflow(platform, faker)["id"]
            platform.execute("UPDATE workflows SET n8n_workflow_id = %s WHERE id = %s",
                             (self.n8n_workflow_id, self.listing))

    def request(self) -> TrackedRun:
        admitted = self._retrying(self.platform_url, lambda db: request_run(db, self.customer, self.listing))
        run = TrackedRun(admitted["id"], time.monotonic(),
                         self._pool.submit(trigger_webhook, self.n8n_url, self.webhook_path, admitted["id"]))
        self.runs.append(run)
        return run

    def request_many(self, count: int) -> list[TrackedRun]:
        return [self.request() for _ in range(count)]

    def stream(self, every_seconds: float, for_seconds: float):
        """Request a run every `every_seconds` for `for_seconds`, from a background thread."""
        def keep_requesting():
            until = time.monotonic() + for_seconds
            while time.monotonic() < until:
                self.request()
                time.sleep(every_seconds)
        return self._pool.submit(keep_requesting)

    def wait_for_answers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for run in list(self.runs):
            try:
                run.answer.result(max(0.0, deadline - time.monotonic()))
            except Exception:  # noqa: BLE001 - a failed call is an answer too; accepted() sorts them
                pass

    def accepted(self) -> list[TrackedRun]:
        """Runs n8n took: answered, or holding an n8n execution although the call failed."""
        failed = [run for run in self.runs if run.call_failed()]
        taken = self._retrying(self.n8n_database_url, lambda n8n: {
            run.platform_id for run in failed
            if n8n_records.find_by_token(n8n, self.n8n_workflow_id, run_token(run.platform_id))})
        return [run for run in self.runs if not run.call_failed() or run.platform_id in taken]

    def platform_statuses(self) -> dict[int, str]:
        ids = [run.platform_id for run in self.runs]
        rows = self._retrying(self.platform_url, lambda db: db.execute(
            "SELECT id, status FROM executions WHERE id = ANY(%s)", (ids,)).fetchall())
        return {row["id"]: row["status"] for row in rows}

    def wait_until_recorded(self, runs: list[TrackedRun], timeout: float) -> list[int]:
        """Wait until every run has a final status in the platform database; return those still open."""
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

    @staticmethod
    def _connect(url: str) -> psycopg.Connection:
        return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=5)

    def _retrying(self, url: str, work: Callable[[psycopg.Connection], object]):
        for attempt in range(ATTEMPTS):
            try:
                with self._connect(url) as connection:
                    return work(connection)
            except psycopg.OperationalError:
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(0.2)
