"""Which tier a job's n8n project belongs to: project -> platform user -> tier, cached with a TTL.

A project that no user owns resolves to None (and that answer is cached too).
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Iterable

import psycopg

from masteryflow.config import mask_url

log = logging.getLogger(__name__)

PLANS_QUERY = "SELECT tier, queue_priority FROM plans"
TIERS_OF_PROJECTS_QUERY = "SELECT n8n_project_id, tier FROM users WHERE n8n_project_id = ANY(%s)"


class TierLookupUnavailable(RuntimeError):
    """The platform database did not answer; jobs stay where they are until it does."""


class TierResolver:
    def __init__(self, database_url: str, ttl_seconds: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self.database_url = database_url
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._connection: psycopg.Connection | None = None
        self._tiers: dict[str, tuple[str | None, float]] = {}  # project -> (tier, expires at)
        self._plans: tuple[dict[str, int], float] | None = None
        self.queries = 0

    def tier_priorities(self) -> dict[str, int]:
        """tier -> plans.queue_priority."""
        if self._plans is None or self._plans[1] <= self.clock():
            rows = self._query(PLANS_QUERY)
            self._plans = ({tier: priority for tier, priority in rows}, self.clock() + self.ttl_seconds)
        return self._plans[0]

    def tiers_of(self, project_ids: Iterable[str]) -> dict[str, str | None]:
        wanted = set(project_ids)
        now = self.clock()
        missing = [p for p in wanted if p not in self._tiers or self._tiers[p][1] <= now]
        if missing:
            found = dict(self._query(TIERS_OF_PROJECTS_QUERY, (missing,)))
            expires = self.clock() + self.ttl_seconds
            for project in missing:
                self._tiers[project] = (found.get(project), expires)
        return {project: self._tiers[project][0] for project in wanted}

    def forget_expired(self) -> None:
        now = self.clock()
        self._tiers = {p: entry for p, entry in self._tiers.items() if entry[1] > now}

    def repoint(self, database_url: str) -> None:
        """Resolve from another platform database; what was cached came from the old one."""
        self.database_url = database_url
        self._tiers, self._plans = {}, None
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _query(self, query: str, params: tuple = ()) -> list[tuple]:
        self.queries += 1
        try:
            if self._connection is None or self._connection.closed:
                self._connection = psycopg.connect(self.database_url, autocommit=True, connect_timeout=3)
            return self._connection.execute(query, params).fetchall()
        except psycopg.OperationalError as error:
            self.close()
            raise TierLookupUnavailable(
                f"platform database {mask_url(self.database_url)} unreachable: {error.__class__.__name__}") from error
