"""Synthetic n8n jobs on a real Bull queue in Redis, added and taken exactly as Bull 4 does it.

`add` is Bull's addJob for a prioritized job (addJob-6.lua with addJobWithPriority.lua) and `take`
is what a worker does (moveToActive-8.lua: RPOPLPUSH wait -> active, ZREM priority), so the
prioritizer can be tested and measured without starting n8n.
"""

from __future__ import annotations

import json
import time

import redis

from masteryflow.worker.queue import BullQueue
from masteryflow.worker.queue_order import (N8N_BACKGROUND_PRIORITY, N8N_WEBHOOK_PRIORITY, job_key_prefix,
                                           ordering_keys)

ADD_JOB = """
local jobId = rcall("INCR", KEYS[4])
local jobKey = ARGV[1] .. jobId
rcall("HMSET", jobKey, "name", "job", "data", ARGV[2], "opts", "{}", "timestamp", ARGV[3],
      "delay", 0, "priority", ARGV[4])
local target = KEYS[1]
if rcall("EXISTS", KEYS[3]) == 1 then target = KEYS[2] end
local priority = tonumber(ARGV[4])
rcall("ZADD", KEYS[5], priority, jobId)
local count = rcall("ZCOUNT", KEYS[5], 0, priority)
local len = rcall("LLEN", target)
local id = rcall("LINDEX", target, len - (count - 1))
if id then rcall("LINSERT", target, "BEFORE", id, jobId) else rcall("RPUSH", target, jobId) end
rcall("PUBLISH", KEYS[1] .. "ing@synthetic", jobId)
if KEYS[6] then rcall("SADD", KEYS[6], jobId) end
return jobId
"""

TAKE_JOB = """
local jobId = rcall("RPOPLPUSH", KEYS[1], KEYS[2])
if not jobId then return false end
rcall("ZREM", KEYS[3], jobId)
rcall("HSET", ARGV[1] .. jobId, "processedOn", ARGV[2])
return jobId
"""


def _script(body: str) -> str:
    return "local rcall = redis.call\n" + body


class SyntheticQueue:
    def __init__(self, queue: BullQueue):
        self.queue, self.client = queue, queue.client
        self._add = self.client.register_script(_script(ADD_JOB))
        self._take = self.client.register_script(_script(TAKE_JOB))

    def add(self, project_id: str | None, webhook: bool = True, raw_data: str | None = None,
            enqueued_ms: int | None = None, priority: int | None = None, index_set: str | None = None) -> str:
        """Add a job as n8n does; raw_data replaces the JSON n8n would write (for malformed jobs).
        index_set: a SET the job id is added to in the same atomic step (for measurements)."""
        data = raw_data if raw_data is not None else json.dumps(
            {"workflowId": "wf", "executionId": "0", "loadStaticData": False,
             **({"projectId": project_id} if project_id else {})})
        if priority is None:
            priority = N8N_WEBHOOK_PRIORITY if webhook else N8N_BACKGROUND_PRIORITY
        wait, paused, meta_paused, priority_key = ordering_keys(self.queue)
        job_id = self._add(keys=[wait, paused, meta_paused, self.queue.id_key, priority_key,
                                 *([index_set] if index_set else [])],
                           args=[job_key_prefix(self.queue), data, enqueued_ms or int(time.time() * 1000), priority])
        return _text(job_id)

    def take(self) -> str | None:
        """The job a Bull worker would start next (moved to active), or None."""
        q = self.queue
        job_id = self._take(keys=[q.wait_key, q.active_key, q.priority_key],
                            args=[job_key_prefix(q), int(time.time() * 1000)])
        return _text(job_id) if job_id else None

    def finish(self, job_id: str) -> None:
        self.client.lrem(self.queue.active_key, 1, job_id)
        self.client.delete(self.queue.job_key(job_id))

    def run_order(self) -> list[str]:
        """Waiting job ids in the order workers will take them."""
        return [_text(job_id) for job_id in reversed(self.client.lrange(self.queue.wait_key, 0, -1))]

    def priorities(self) -> dict[str, float]:
        rows = self.client.zrange(self.queue.priority_key, 0, -1, withscores=True)
        return {_text(job_id): score for job_id, score in rows}

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.queue.base}:*", count=1000))
        for start in range(0, len(keys), 500):
            self.client.delete(*keys[start:start + 500])


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RoundTripCounter(redis.Redis):
    """A Redis client that counts round trips: each command, and each pipeline as one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.round_trips = 0

    def execute_command(self, *args, **options):
        self.round_trips += 1
        return super().execute_command(*args, **options)

    def pipeline(self, transaction=True, shard_hint=None):
        pipe = super().pipeline(transaction, shard_hint)
        execute = pipe.execute

        def counted_execute(*args, **kwargs):
            self.round_trips += 1
            return execute(*args, **kwargs)
        pipe.execute = counted_execute
        return pipe
