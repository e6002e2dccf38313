"""Running the prioritizer and the autoscaler against a TierQueueStage, and streams of runs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from masteryflow.testing.tier_queue_stage import RunRequest, TierQueueStage
from masteryflow.worker.autoscaler import Autoscaler, ScalingPolicy
from masteryflow.worker.prioritizer import Prioritizer, PrioritizerSettings
from masteryflow.worker.prioritizer_service import PrioritizerService
from masteryflow.worker.scaling import SupervisorScaling
from masteryflow.worker.supervisor import Supervisor
from masteryflow.worker.tier_resolver import TierResolver


def start_prioritizer(stage: TierQueueStage, platform_url: str, aging_step_seconds: float) -> PrioritizerService:
    resolver = TierResolver(platform_url, ttl_seconds=30)
    service = PrioritizerService(Prioritizer(stage.queue, resolver,
                                             PrioritizerSettings(aging_step_seconds=aging_step_seconds)))
    service.start()
    return service


@dataclass
class AutoscaledWorkers:
    supervisor: Supervisor
    scaling: SupervisorScaling
    thread: threading.Thread

    def stop(self) -> None:
        self.supervisor.shutdown(timeout=30)
        self.thread.join(5)


def start_autoscaled_workers(stage: TierQueueStage, policy: ScalingPolicy, every_seconds: float = 1.0) -> AutoscaledWorkers:
    supervisor = Supervisor(stage.runtime, stage.settings, Path(stage.directory) / "autoscaled", tick_seconds=0.25)
    scaling = SupervisorScaling(Autoscaler(policy), stage.queue)
    supervisor.add_task("autoscaler", every_seconds=every_seconds, run=scaling.tick)
    return AutoscaledWorkers(supervisor, scaling, supervisor.run_in_thread())


@dataclass
class RunStream:
    """Runs of one tier requested at a steady pace, from a background thread."""
    runs: list[RunRequest] = field(default_factory=list)
    started_at: float = 0.0
    thread: threading.Thread | None = None

    def join(self, timeout: float = 120.0) -> list[RunRequest]:
        self.thread.join(timeout)
        return self.runs


def request_stream(stage: TierQueueStage, tier: str, seconds: float, every: float, duration: float) -> RunStream:
    stream = RunStream(started_at=time.time())

    def keep_requesting():
        while time.time() - stream.started_at < duration:
            stream.runs.append(stage.request_run(tier, seconds))
            time.sleep(every)

    stream.thread = threading.Thread(target=keep_requesting, name=f"{tier}-stream", daemon=True)
    stream.thread.start()
    return stream
