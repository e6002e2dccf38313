"""`worker up`: the local worker side as one service. Checks connectivity, then starts and
supervises the n8n workers, places waiting jobs by customer tier and scales the workers
(QueueControl), observes their health, records executions in the platform database, writes
performance samples, and serves /healthz, /readyz and /metrics."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import psycopg

from masteryflow.worker.http import HealthServer
from masteryflow.worker.monitor import Monitor
from masteryflow.worker.queue_control import QueueControl
from masteryflow.worker.recorder import ExecutionRecorder
from masteryflow.worker.runtime import Runtime
from masteryflow.worker.settings import WorkerSettings
from masteryflow.worker.supervisor import Supervisor

log = logging.getLogger("masteryflow.worker")
OBSERVE_EVERY_SECONDS = 1.0
RECORD_EVERY_SECONDS = 1.0


@dataclass
class LocalWorkerSide:
    supervisor: Supervisor
    monitor: Monitor
    recorder: ExecutionRecorder
    control: QueueControl
    http: HealthServer

    @classmethod
    def build(cls, runtime: Runtime, settings: WorkerSettings, state_dir: Path) -> "LocalWorkerSide":
        supervisor = Supervisor(runtime, settings, state_dir)
        monitor = Monitor(supervisor)
        recorder = ExecutionRecorder(settings, monitor.worker_of_execution.get, take_lost=monitor.take_lost)
        supervisor.add_task("observe", OBSERVE_EVERY_SECONDS, monitor.observe)
        supervisor.add_task("record executions", RECORD_EVERY_SECONDS, recorder.sync)
        supervisor.add_task("performance samples", settings.local.sample_interval, monitor.write_samples)
        # the first sample waits one full interval
        supervisor.tasks[-1].next_due = supervisor.started_at + settings.local.sample_interval
        control = QueueControl.install(supervisor, settings)
        http = HealthServer(monitor, settings.local.health_host, settings.local.health_port, control.metrics_text)
        return cls(supervisor, monitor, recorder, control, http)

    def start(self) -> None:
        """Start workers, the endpoint and the supervision loop (in a thread); returns at once."""
        self.supervisor.start_workers(self.supervisor.settings.local.workers)
        self.monitor.observe()
        self.http.start()
        self.supervisor.run_in_thread()
        log.info("health endpoint on %s", self.http.url)

    def report_to(self, platform_database_url: str) -> None:
        """Record executions and write samples into another platform database from now on; what
        was counted so far is written to the previous one (or dropped if it is gone)."""
        if platform_database_url == self.monitor.platform_database_url:
            return
        try:
            self.monitor.write_samples()
        except psycopg.Error:
            log.info("previous platform database gone; its pending samples are dropped")
        self.monitor.platform_database_url = platform_database_url
        self.recorder.platform_database_url = platform_database_url
        self.control.report_to(platform_database_url)

    def stop(self, timeout: float = 30.0) -> None:
        self.control.stop()
        self.supervisor.shutdown(timeout)
        self.http.stop()
