"""Stuck-queue detection. n8n workers have reported ready while no longer taking jobs (n8n issue
37581), so readiness alone is not health: the queue must move.

The queue is stuck when jobs are waiting, the next job to run has not changed for `stuck_after`
seconds, and a ready local worker had a free slot all that time. A backlog behind busy workers
(every slot taken by long runs) is load, not a fault.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueObservation:
    at: float                 # monotonic seconds
    waiting: int
    next_job: str | None      # the job a worker would take next
    ready_workers: int
    free_slots: int           # local ready capacity minus the jobs active on the queue


class StuckDetector:
    def __init__(self, stuck_after: float):
        self.stuck_after = stuck_after
        self._still_since: float | None = None
        self._last_next_job: str | None = None
        self.stuck = False

    def observe(self, seen: QueueObservation) -> bool:
        could_move = seen.waiting > 0 and seen.ready_workers > 0 and seen.free_slots > 0
        if not could_move or seen.next_job != self._last_next_job:
            self._still_since = seen.at if could_move else None
        elif self._still_since is None:
            self._still_since = seen.at
        self._last_next_job = seen.next_job
        self.stuck = self._still_since is not None and seen.at - self._still_since >= self.stuck_after
        return self.stuck

    def stuck_for(self, now: float) -> float:
        return 0.0 if self._still_since is None else now - self._still_since
