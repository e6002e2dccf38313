"""n8n's own record of an execution, read from its PostgreSQL tables (execution_entity and
execution_data, whose `data` is in the `flatted` JSON format)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import psycopg

FINISHED_STATUSES = ("success", "error", "crashed", "canceled")
# n8n's MaxStalledCountError: the job's lock expired because the worker running it died
WORKER_LOST_MESSAGE = "failed to be processed too many times"

SELECT_EXECUTION = """
SELECT e.id::text, e.status, e."startedAt", e."stoppedAt", d.data
FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
WHERE e."deletedAt" IS NULL
"""
FIND_BY_TOKEN = SELECT_EXECUTION + ' AND e."workflowId" = %s AND d.data LIKE %s ORDER BY e.id DESC LIMIT 1'
FIND_BY_ID = SELECT_EXECUTION + " AND e.id = %s"


@dataclass(frozen=True)
class N8nExecution:
    id: str
    status: str
    started_at: datetime | None
    stopped_at: datetime | None
    error_message: str | None = None
    failed_node: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def worker_lost(self) -> bool:
        """n8n gave up on it because the worker running it died (crashed, or its stalled-job error)."""
        return self.status == "crashed" or WORKER_LOST_MESSAGE in (self.error_message or "")


def find_by_token(conn: psycopg.Connection, n8n_workflow_id: str, token: str) -> N8nExecution | None:
    """The execution of a workflow whose input carries `token` (letters, digits and dashes only)."""
    if not token.replace("-", "").isalnum():
        raise ValueError(f"a run token has letters, digits and dashes only, not {token!r}")
    return execution_of(conn.execute(FIND_BY_TOKEN, (n8n_workflow_id, f'%"{token}"%')).fetchone())


def find_by_id(conn: psycopg.Connection, execution_id: str) -> N8nExecution | None:
    """n8n's execution by its id (its data may no longer carry the run's token: n8n replaces the data
    of an execution whose worker died); None once it is deleted."""
    if not execution_id.isdigit():
        raise ValueError(f"an n8n execution id is a whole number, not {execution_id!r}")
    return execution_of(conn.execute(FIND_BY_ID, (int(execution_id),)).fetchone())


def execution_of(row) -> N8nExecution | None:
    if row is None:
        return None
    execution_id, status, started_at, stopped_at, data = row
    message, node = error_of(run_data_of(data)) if status in ("error", "crashed") else (None, None)
    return N8nExecution(execution_id, status, started_at, stopped_at, message, node)


def run_data_of(data: str | None) -> dict:
    """The run data, or {} when n8n stored none or something that is not run data."""
    try:
        parsed = unflatten(data) if data else {}
    except (ValueError, TypeError, IndexError, KeyError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def error_of(run_data: dict) -> tuple[str | None, str | None]:
    """The error message and the node that failed, as n8n stored them."""
    result = run_data.get("resultData") or {}
    error = result.get("error") or {}
    node = (error.get("node") or {}).get("name") or result.get("lastNodeExecuted")
    return error.get("message"), node


def unflatten(text: str):
    """Parse the `flatted` format: a JSON array whose entry 0 is the root and whose string values
    inside objects and arrays are indexes of other entries (this is how n8n stores run data)."""
    table = json.loads(text)
    built: dict[int, object] = {}

    def expand(value):
        return build(int(value)) if isinstance(value, str) else value

    def build(index: int):
        if index in built:
            return built[index]
        entry = table[index]
        if isinstance(entry, list):
            built[index] = result = []
            result.extend(expand(item) for item in entry)
        elif isinstance(entry, dict):
            built[index] = result = {}
            result.update((key, expand(item)) for key, item in entry.items())
        else:
            built[index] = result = entry
        return result

    return build(0)
