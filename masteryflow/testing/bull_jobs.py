"""Synthetic n8n jobs on a real Bull queue in Redis, added and taken exactly as Bull 4 does it.

`add` is Bull's addJob for a prioritized job (addJob-6.lua with addJobWithPriority.lua) and `take`
is what a worker does (moveToActive-8.lua: RPOPLPUSH wait -> active, ZREM priority), so the
prioritizer can be tested and measured without starting n8n.
"""

from __future__ import annotations

import json
import time

import redis

from masteryflow.worker.bull_queue import N8N_BACKGROUND_PRIORITY, N8N_WEBHOOK_PRIORITY, BullQueueKeys

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
    def __init__(self, client: redis.Redis, keys: BullQueueKeys):
        self.client, self.keys = client, keys
        self._add = client.register_script(_script(ADD_JOB))
        self._take = client.register_script(_script(TAKE_JOB))

    def add(self, project_id: str | None, webhook: bool = True, raw_data: str | None = None,
            enqueued_ms: int | None = None, priority: int | None = None) -> str:
        """Add a job as n8n does; raw_data replaces the JSON n8n would write (for malformed jobs)."""
        data = raw_data if raw_data is not None else json.dumps(
            {"workflowId": "wf", "executionId": "0", "loadStaticData": False,
             **({"projectId": project_id} if project_id else {})})
        if priority is None:
            priority = N8N_WEBHOOK_PRIORITY if webhook else N8N_BACKGROUND_PRIORITY
        k = self.keys
        job_id = self._add(keys=[k.wait, k.paused, k.meta_paused, k.key("id"), k.priority],
                           args=[k.job_prefix, data, enqueued_ms or int(time.time() * 1000), priority])
        return str(job_id)

    def take(self) -> str | None:
        """The job a Bull worker would start next (moved to active), or None."""
        k = self.keys
        job_id = self._take(keys=[k.wait, k.active, k.priority], args=[k.job_prefix, int(time.time() * 1000)])
        return job_id.decode() if job_id else None

    def finish(self, job_id: str) -> None:
        self.client.lrem(self.keys.active, 1, job_id)
        self.client.delete(self.keys.job(job_id))

    def run_order(self) -> list[str]:
        """Waiting job ids in the order workers will take them."""
        return [job_id.decode() for job_id in reversed(self.client.lrange(self.keys.wait, 0, -1))]

    def priorities(self) -> dict[str, float]:
        return {job_id.decode(): score for job_id, score in self.client.zrange(self.keys.priority, 0, -1,
                                                                                 withscores=True)}

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.keys.prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            self.client.delete(*keys[start:start + 500])
