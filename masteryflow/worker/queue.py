"""n8n's Bull v4 queue in Redis: key names and the counts the worker side watches.

n8n puts every execution on the queue `jobs` under QUEUE_BULL_PREFIX (default `bull`):
`<prefix>:jobs:wait` (LIST, workers pop its right end), `<prefix>:jobs:active` (LIST),
`<prefix>:jobs:priority` (ZSET job id -> priority), `<prefix>:jobs:<id>` (HASH); while the queue
is paused globally, waiting jobs sit in `<prefix>:jobs:paused` and `<prefix>:jobs:meta-paused` exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis

QUEUE_NAME = "jobs"


@dataclass(frozen=True)
class QueueCounts:
    waiting: int              # includes jobs parked in `paused` while the queue is paused
    active: int
    next_job: str | None = None

    @property
    def backlog(self) -> int:
        return self.waiting + self.active


class BullQueue:
    def __init__(self, client: redis.Redis, prefix: str = "bull", name: str = QUEUE_NAME):
        self.client = client
        self.base = f"{prefix}:{name}"

    @property
    def wait_key(self) -> str:
        return f"{self.base}:wait"

    @property
    def active_key(self) -> str:
        return f"{self.base}:active"

    @property
    def priority_key(self) -> str:
        return f"{self.base}:priority"

    @property
    def paused_key(self) -> str:
        return f"{self.base}:paused"

    @property
    def meta_paused_key(self) -> str:
        return f"{self.base}:meta-paused"

    @property
    def id_key(self) -> str:
        return f"{self.base}:id"

    def job_key(self, job_id: str) -> str:
        return f"{self.base}:{job_id}"

    def counts(self) -> QueueCounts:
        """Waiting and active jobs, and the job a worker would take next (the right end)."""
        with self.client.pipeline(transaction=False) as pipe:
            pipe.llen(self.wait_key)
            pipe.llen(self.paused_key)
            pipe.llen(self.active_key)
            pipe.lindex(self.wait_key, -1)
            pipe.lindex(self.paused_key, -1)
            waiting, paused, active, next_waiting, next_paused = pipe.execute()
        return QueueCounts(int(waiting) + int(paused), int(active), next_waiting or next_paused)

    def exists(self) -> bool:
        """n8n created the queue (its job counter exists once main has queued anything or a worker
        has started; Bull creates `<queue>:id` lazily, so also accept any key of the queue)."""
        if self.client.exists(self.id_key):
            return True
        return next(iter(self.client.scan_iter(match=f"{self.base}:*", count=200)), None) is not None

    def active_jobs(self) -> list[str]:
        """The active jobs in words (id, n8n execution, attempts, when taken): for diagnostics."""
        described = []
        for job_id in self.client.lrange(self.active_key, 0, -1):
            data, attempts, taken = self.client.hmget(self.job_key(job_id), "data", "attemptsMade", "processedOn")
            execution = json.loads(data).get("executionId") if data else None
            described.append(f"job {job_id}: execution {execution}, attempts made {attempts}, taken at {taken} ms")
        return described
