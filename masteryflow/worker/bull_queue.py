"""Where n8n's Bull queue lives in Redis, and the two priorities n8n itself sets.

n8n (queue mode) puts every execution on the Bull v4 queue `jobs` under QUEUE_BULL_PREFIX.
Workers take from the right end of `wait`; `priority` (ZSET) mirrors the order of `wait`.
"""

from __future__ import annotations

from dataclasses import dataclass

N8N_QUEUE_NAME = "jobs"
N8N_WEBHOOK_PRIORITY = 50   # a webhook caller (or a manual run) still waiting for the answer
N8N_BACKGROUND_PRIORITY = 100
# Every priority the prioritizer writes is below this, so a job n8n has just added (50 or 100)
# sorts behind all placed jobs until it is placed itself.
PLACED_CEILING = N8N_WEBHOOK_PRIORITY


@dataclass(frozen=True)
class BullQueueKeys:
    prefix: str = "bull"
    queue: str = N8N_QUEUE_NAME

    def key(self, suffix: str) -> str:
        return f"{self.prefix}:{self.queue}:{suffix}"

    @property
    def wait(self) -> str:
        return self.key("wait")

    @property
    def paused(self) -> str:
        return self.key("paused")

    @property
    def meta_paused(self) -> str:
        return self.key("meta-paused")

    @property
    def active(self) -> str:
        return self.key("active")

    @property
    def priority(self) -> str:
        return self.key("priority")

    @property
    def job_prefix(self) -> str:
        return self.key("")

    def job(self, job_id: str) -> str:
        return self.key(job_id)
