"""How n8n's Bull queue is ordered: the two priorities n8n sets, and the keys Bull's ordering uses.

Bull keeps `wait` sorted like the `priority` ZSET (lower runs first); when the queue is paused
globally the waiting jobs sit in `paused` instead (Bull's getTargetQueueList.lua).
"""

from __future__ import annotations

from masteryflow.worker.queue import BullQueue

N8N_WEBHOOK_PRIORITY = 50   # a webhook caller (or a manual run) still waiting for the answer
N8N_BACKGROUND_PRIORITY = 100
# Every priority the prioritizer writes is below this, so a job n8n has just added (50 or 100)
# sorts behind all placed jobs until it is placed itself.
PLACED_CEILING = N8N_WEBHOOK_PRIORITY


def ordering_keys(queue: BullQueue) -> list[str]:
    """KEYS of reprioritize.lua (and of a Bull-style add): wait, paused, meta-paused, priority."""
    return [queue.wait_key, queue.paused_key, queue.meta_paused_key, queue.priority_key]


def job_key_prefix(queue: BullQueue) -> str:
    return queue.job_key("")


def waiting_channel_pattern(queue: BullQueue) -> str:
    """Bull publishes every added job on `<wait key>ing@<queue token>` (addJob-6.lua)."""
    return f"{queue.wait_key}ing@*"
