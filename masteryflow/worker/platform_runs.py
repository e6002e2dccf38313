"""A platform run from request to n8n: admission through the platform's rules
(request_execution), then the n8n webhook call that puts it on the queue.

The run's token travels in a request header, so n8n stores it with the execution's input and
the recorder can find which n8n execution belongs to which platform run.
"""

from __future__ import annotations

import requests

RUN_HEADER = "X-MasteryFlow-Run"


def run_token(platform_execution_id: int) -> str:
    return f"mfrun-{platform_execution_id}"


def request_run(platform_db, user_id: int, workflow_id: int, mode: str = "webhook") -> dict:
    """Admit or refuse a run through the platform's rules; returns the executions row."""
    return platform_db.execute("SELECT * FROM request_execution(%s, %s, %s)", (user_id, workflow_id, mode)).fetchone()


def trigger_webhook(n8n_base_url: str, webhook_path: str, platform_execution_id: int | None,
                    payload: dict | None = None, timeout: float = 120.0) -> requests.Response:
    """POST to n8n's production webhook; with a 'last node' webhook n8n answers when the run ends.
    Without a platform execution id the run is n8n's alone (nothing to record on the platform)."""
    headers = {} if platform_execution_id is None else {RUN_HEADER: run_token(platform_execution_id)}
    return requests.post(f"{n8n_base_url.rstrip('/')}/webhook/{webhook_path}", json=payload or {},
                         headers=headers, timeout=timeout)
