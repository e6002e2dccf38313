"""Monthly usage per user: admitted runs, their seconds, and refusals, counted from the executions.

As in schema 020: execution_seconds adds each finished run's whole seconds rounded up, booked to
the month the run was requested in; refusals count in refused_executions, never in executions.
"""

from __future__ import annotations

from masteryflow.seeding.clock import date, ts
from masteryflow.seeding.world import World


def build_usage(world: World) -> None:
    months: dict[tuple[int, int], list[int]] = {}   # (user, month) -> [admitted, seconds, refused, last]
    for run in world.executions:                   # in time order: the last run sets the month's time
        key = (run.user.id, run.month)
        tally = months.get(key)
        if tally is None:
            tally = months[key] = [0, 0, 0, 0]
        if run.status == "refused":
            tally[2] += 1
        else:
            tally[0] += 1
            if run.finished_ms is not None:
                tally[1] += -(-(run.finished_ms - run.started_ms) // 1000)   # whole seconds, rounded up
        tally[3] = run.requested_ms // 1000
    for (user_id, month), (admitted, seconds, refused, last) in sorted(months.items()):
        if admitted:
            world.usage_rows.append((user_id, month, "executions", admitted, last))
        if seconds:
            world.usage_rows.append((user_id, month, "execution_seconds", seconds, last))
        if refused:
            world.usage_rows.append((user_id, month, "refused_executions", refused, last))


def usage_rows(world: World) -> list[tuple]:
    return [(str(number), str(user_id), date(month), metric, str(quantity), ts(last))
            for number, (user_id, month, metric, quantity, last) in enumerate(world.usage_rows, 1)]
