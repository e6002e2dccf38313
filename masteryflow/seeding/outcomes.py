"""What happened to admitted runs: queue wait, worker, duration, and success / error / timeout / crash.

A run longer than its tier's timeout ends as timeout, never as success (E5); an error keeps its
message and failed node and raises the workflow's error count (E4);
as in finish_execution (schema 020), error_count counts 'error' and 'timeout', not 'crashed'. Runs still going at the
snapshot are queued or running.
"""

from __future__ import annotations

from typing import Iterator

from masteryflow.seeding.clock import AS_OF, ts_ms
from masteryflow.seeding.pools import ERRORS, NODES
from masteryflow.seeding.rules import NULL, PLANS
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import World

AS_OF_MS = AS_OF * 1000
N8N_EXECUTION_ID_BASE = 480_000
TIMEOUT_SHARE, CRASH_SHARE = 0.012, 0.003
PART_ROWS = 40_000


def run_admitted(world: World) -> None:
    rng = stream(world.seed, "execution_outcomes")
    worker_ids = [worker_id for worker_id, _ in world.workers]
    for run in world.executions:
        if run.status != "queued":
            continue
        workflow = run.workflow
        workflow.execution_count += 1
        plan = PLANS[run.tier]
        started = run.requested_ms + int(rng.expovariate(1.0 / (plan.queue_priority * 40))) + 5   # better tiers wait less
        if started >= AS_OF_MS:
            continue                                   # still waiting in the queue
        run.started_ms, run.worker_id = started, worker_ids[int(rng.random() * len(worker_ids))]
        timeout_ms = plan.run_timeout_seconds * 1000
        draw = rng.random()
        if draw < CRASH_SHARE:
            status, duration = "crashed", rng.randrange(200, timeout_ms)
            run.error_message = "Worker exited unexpectedly while running the execution"
        elif draw < CRASH_SHARE + TIMEOUT_SHARE:
            status, duration = "timeout", timeout_ms + rng.randrange(1, 1500)   # strictly longer
            run.error_message = f"Execution stopped after the {plan.run_timeout_seconds} s timeout of the {run.tier} tier"
        elif draw < CRASH_SHARE + TIMEOUT_SHARE + workflow.error_rate:
            status, duration = "error", min(int(workflow.typical_ms * rng.random()) + 10, timeout_ms)
            run.error_message, run.failed_node = rng.choice(ERRORS), rng.choice(NODES)
        else:
            status, duration = "success", min(int(workflow.typical_ms * rng.lognormvariate(0, 0.5)), timeout_ms)
        if started + duration >= AS_OF_MS:
            run.status, run.error_message, run.failed_node = "running", None, None
            continue
        run.status, run.finished_ms = status, started + duration
        if status in ("error", "timeout"):
            workflow.error_count += 1


def execution_parts(world: World) -> Iterator[list[str]]:
    """COPY lines, built directly (this is the biggest table but one), PART_ROWS at a time."""
    lines = []
    priorities = {tier: f"{tier}\t{plan.queue_priority}" for tier, plan in PLANS.items()}
    for run in world.executions:
        started, finished = run.started_ms, run.finished_ms
        lines.append("\t".join((
            str(run.id), str(run.user.id), str(run.workflow.id), priorities[run.tier], run.mode, run.status,
            run.refusal_reason or NULL, NULL if run.status == "refused" else str(N8N_EXECUTION_ID_BASE + run.id),
            run.worker_id or NULL, ts_ms(run.requested_ms), NULL if started is None else ts_ms(started),
            NULL if finished is None else ts_ms(finished), NULL if finished is None else str(finished - started),
            run.error_message or NULL, run.failed_node or NULL,
        )))
        if len(lines) == PART_ROWS:
            yield lines
            lines = []
    if lines:
        yield lines
