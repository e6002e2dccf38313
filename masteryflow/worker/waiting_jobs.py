"""Reading n8n's waiting Bull jobs: ids by placement state, and the fields the prioritizer needs.

Each function is one Redis round trip, whatever the number of jobs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from masteryflow.worker.queue import BullQueue
from masteryflow.worker.queue_order import PLACED_CEILING


@dataclass(frozen=True)
class WaitingJob:
    job_id: str
    n8n_priority: int
    enqueued_ms: int
    project_id: str | None   # None when the job data has none
    problem: str | None      # why the job cannot be placed ("bad job data", ...), else None


def server_time_and_unplaced(queue: BullQueue) -> tuple[int, dict[str, float]]:
    """Redis' clock (ms) and the waiting jobs still at n8n's own priority (id -> priority)."""
    pipe = queue.client.pipeline(transaction=False)
    pipe.time()
    pipe.zrangebyscore(queue.priority_key, PLACED_CEILING, "+inf", withscores=True)
    (seconds, micros), unplaced = pipe.execute()
    return seconds * 1000 + micros // 1000, {_text(job_id): score for job_id, score in unplaced}


def placed(queue: BullQueue) -> dict[str, float]:
    """Waiting jobs the prioritizer has placed (id -> priority)."""
    rows = queue.client.zrangebyscore(queue.priority_key, 0, f"({PLACED_CEILING}", withscores=True)
    return {_text(job_id): score for job_id, score in rows}


def read_jobs(queue: BullQueue, job_ids: list[str], now_ms: int) -> list[WaitingJob]:
    """The jobs among job_ids that still exist, with their project (or the problem with their data)."""
    pipe = queue.client.pipeline(transaction=False)
    for job_id in job_ids:
        pipe.hmget(queue.job_key(job_id), "data", "priority", "timestamp")
    jobs = []
    for job_id, fields in zip(job_ids, pipe.execute(raise_on_error=False)):
        if isinstance(fields, redis.ResponseError):
            jobs.append(WaitingJob(job_id, 100, now_ms, None, "job key is not a hash"))
            continue
        data, priority, timestamp = fields
        if data is None and priority is None:
            continue  # taken and finished since it was listed
        jobs.append(parse_job(job_id, data, priority, timestamp, now_ms))
    return jobs


def parse_job(job_id: str, data: str | bytes | None, priority: str | bytes | None, timestamp: str | bytes | None,
              now_ms: int) -> WaitingJob:
    n8n_priority = _int_or(priority, 100)
    enqueued_ms = _int_or(timestamp, now_ms)
    try:
        payload = json.loads(data) if data is not None else None
    except (ValueError, UnicodeDecodeError):
        return WaitingJob(job_id, n8n_priority, enqueued_ms, None, "bad job data (not JSON)")
    if not isinstance(payload, dict):
        return WaitingJob(job_id, n8n_priority, enqueued_ms, None, "bad job data (not a JSON object)")
    project_id = payload.get("projectId")
    if not isinstance(project_id, str) or not project_id:
        return WaitingJob(job_id, n8n_priority, enqueued_ms, None, "no projectId in job data")
    return WaitingJob(job_id, n8n_priority, enqueued_ms, project_id, None)


def _int_or(raw: str | bytes | None, default: int) -> int:
    try:
        return int(float(raw))
    except (TypeError, ValueError, OverflowError):  # "1E309" is a float, but infinite
        return default


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
