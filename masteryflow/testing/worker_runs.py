"""What the worker features do with the real n8n stack: bind it to the scenario's platform
database, run the test workflows through their webhooks, wait for the platform's record, and
make the queue stop (and resume) handing out jobs the way Bull pauses a queue."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

import requests

from masteryflow.testing.n8n_stack import WEBHOOK_PATHS, WORKFLOW_IDS, N8nStack
from masteryflow.worker import platform_runs
from masteryflow.worker.queue import BullQueue

# the business names the features use for the test workflows in fixtures_data/n8n/workflows
TEST_WORKFLOWS = {"Wait a second": "wait", "Charge the card": "fail", "Call the partner API": "credential"}
FINISHED = ("success", "error", "timeout", "crashed")
_background = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook")


def bound_stack(context) -> N8nStack:
    """The feature's n8n stack, recording into this scenario's platform database."""
    stack = context.n8n_stack
    stack.side.report_to(context.db_url)
    return stack


def fixture_key(title: str) -> str:
    if title not in TEST_WORKFLOWS:
        raise ValueError(f"no test workflow is called {title!r}; there are {', '.join(TEST_WORKFLOWS)}")
    return TEST_WORKFLOWS[title]


def link_listing_to_n8n(db, workflow_id: int, title: str) -> None:
    """The platform listing runs the n8n workflow imported for this title."""
    db.execute("UPDATE workflows SET n8n_workflow_id = %s WHERE id = %s", (WORKFLOW_IDS[fixture_key(title)], workflow_id))


def run_through_webhook(context, user_id: int, workflow_id: int, title: str) -> tuple[dict, requests.Response]:
    """Admit the run through the platform's rules, then call the workflow's webhook and wait for its answer."""
    stack = bound_stack(context)
    run = platform_runs.request_run(context.db, user_id, workflow_id)
    if run["status"] != "queued":
        raise AssertionError(f"the platform did not admit the run: {run['status']} ({run['refusal_reason']})")
    answer = platform_runs.trigger_webhook(stack.n8n_url, WEBHOOK_PATHS[fixture_key(title)], run["id"], timeout=90)
    return run, answer


def start_unrecorded_run(stack: N8nStack, title: str) -> Future:
    """Call a webhook in the background (the answer comes when the run ends)."""
    return _background.submit(platform_runs.trigger_webhook, stack.n8n_url, WEBHOOK_PATHS[fixture_key(title)], None,
                              timeout=120)


def recorded_run(db, execution_id: int, timeout: float = 20.0) -> dict:
    """The platform's executions row once it has finished (or as it is at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        row = db.execute("SELECT * FROM executions WHERE id = %s", (execution_id,)).fetchone()
        if row["status"] in FINISHED or time.monotonic() > deadline:
            return row
        time.sleep(0.3)


def stop_handing_out_jobs(stack: N8nStack) -> None:
    """Pause the queue globally, as Bull does: new jobs park in `paused`, workers wait on `wait`."""
    client, queue = stack.redis(), BullQueue(stack.redis(), stack.settings.redis.prefix)
    client.set(queue.meta_paused_key, 1)
    if client.exists(queue.wait_key):
        client.rename(queue.wait_key, queue.paused_key)


def hand_out_jobs_again(stack: N8nStack) -> None:
    client, queue = stack.redis(), BullQueue(stack.redis(), stack.settings.redis.prefix)
    client.delete(queue.meta_paused_key)
    if client.exists(queue.paused_key):
        client.rename(queue.paused_key, queue.wait_key)
