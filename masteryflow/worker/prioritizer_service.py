"""The prioritizer as a running service: its settings from the environment, a thread that runs
pass after pass, and a subscription to Bull's "job added" messages that starts a pass at once.

    service = PrioritizerService.from_settings(load_settings())
    service.start(); ...; service.stop()
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from masteryflow.config import ConfigError
from masteryflow.worker.connections import redis_client
from masteryflow.worker.prioritizer import Prioritizer, PrioritizerSettings
from masteryflow.worker.queue import BullQueue
from masteryflow.worker.queue_order import waiting_channel_pattern
from masteryflow.worker.settings import WorkerSettings
from masteryflow.worker.tier_resolver import TierResolver

log = logging.getLogger(__name__)

# environment variable -> (PrioritizerSettings field or "tier_cache_ttl", default, zero allowed)
OPTIONS = {
    "MASTERYFLOW_PRIORITY_POLL_MS": ("poll_seconds", 20, False),
    "MASTERYFLOW_PRIORITY_AGING_STEP": ("aging_step_seconds", 5.0, True),
    "MASTERYFLOW_TIER_CACHE_TTL": ("tier_cache_ttl", 30.0, True),
}


@dataclass(frozen=True)
class PrioritizerOptions:
    settings: PrioritizerSettings
    tier_cache_ttl: float


def options_from_environment(environ: dict | None = None) -> PrioritizerOptions:
    environ = os.environ if environ is None else environ
    values, problems = {}, []
    for name, (field, default, zero_allowed) in OPTIONS.items():
        raw = (environ.get(name) or "").strip()
        try:
            value = float(raw) if raw else float(default)
        except ValueError:
            value = -1.0
        if value < 0 or (value == 0 and not zero_allowed):
            problems.append(f"{name} must be a {'non-negative' if zero_allowed else 'positive'} number, got {raw!r}")
            value = float(default)
        values[field] = value / 1000 if name.endswith("_MS") else value
    if problems:
        raise ConfigError("prioritizer settings are not usable:\n  - " + "\n  - ".join(problems))
    ttl = values.pop("tier_cache_ttl")
    return PrioritizerOptions(PrioritizerSettings(**values), ttl)


class PrioritizerService:
    def __init__(self, prioritizer: Prioritizer, listen_for_new_jobs: bool = True):
        self.prioritizer = prioritizer
        self.listen_for_new_jobs = listen_for_new_jobs
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._loop: threading.Thread | None = None
        self._pubsub = None
        self._listener = None

    @classmethod
    def from_settings(cls, settings: WorkerSettings, options: PrioritizerOptions | None = None) -> "PrioritizerService":
        options = options or options_from_environment()
        queue = BullQueue(redis_client(settings.redis), prefix=settings.redis.prefix)
        resolver = TierResolver(settings.platform_database_url, ttl_seconds=options.tier_cache_ttl)
        return cls(Prioritizer(queue, resolver, options.settings))

    def start(self) -> None:
        self._stop.clear()
        if self.listen_for_new_jobs:
            self._listen_for_new_jobs()
        self._loop = threading.Thread(target=self.prioritizer.run, args=(self._stop, self._wake),
                                      name="prioritizer", daemon=True)
        self._loop.start()

    def ensure_running(self) -> None:
        """Restart the loop if its thread died (it catches every error, so this is a last resort)."""
        if self._loop is not None and not self._loop.is_alive() and not self._stop.is_set():
            log.warning("prioritizer loop had stopped; restarting it")
            self._loop = threading.Thread(target=self.prioritizer.run, args=(self._stop, self._wake),
                                          name="prioritizer", daemon=True)
            self._loop.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._listener is not None:
            self._listener.stop()
            self._listener.join(timeout)
            self._pubsub.close()
        if self._loop is not None:
            self._loop.join(timeout)
        self.prioritizer.resolver.close()

    def _listen_for_new_jobs(self) -> None:
        """Wake the loop as soon as n8n adds a job; the loop still polls if messages are lost."""
        try:
            self._pubsub = self.prioritizer.queue.client.pubsub(ignore_subscribe_messages=True)
            self._pubsub.psubscribe(**{waiting_channel_pattern(self.prioritizer.queue): lambda _: self._wake.set()})
            self._listener = self._pubsub.run_in_thread(sleep_time=0.5, daemon=True,
                                                        exception_handler=self._listener_failed)
        except Exception as error:  # noqa: BLE001 - polling alone still works
            log.warning("not subscribed to new-job messages (%s); polling only", error)
            self._pubsub = self._listener = None

    def _listener_failed(self, error, pubsub, thread) -> None:
        thread.stop()
        if self._stop.is_set():
            return  # closed by stop()
        log.warning("new-job subscription lost (%s); polling only", error)

    def metrics(self) -> dict[str, float]:
        """Counters for /metrics, named as Prometheus metrics."""
        stats = self.prioritizer.stats
        values = {
            "masteryflow_prioritizer_passes_total": stats.passes,
            "masteryflow_prioritizer_jobs_placed_total": stats.placed,
            "masteryflow_prioritizer_jobs_aged_total": stats.aged,
            "masteryflow_prioritizer_errors_total": stats.errors,
        }
        for reason, count in stats.set_aside.items():
            values[f'masteryflow_prioritizer_jobs_left_in_place_total{{reason="{reason}"}}'] = count
        return values
