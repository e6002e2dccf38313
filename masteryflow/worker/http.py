"""The local worker side's one HTTP endpoint (stdlib server in a thread):

/healthz  liveness: 200 while the supervision loop keeps observing
/readyz   readiness: 200 when a worker is ready, the VPS is reachable, the queue moves and memory
          is within budget; else 503 with the reasons, one a line
/metrics  Prometheus text exposition
"""

from __future__ import annotations

import threading
import time
from typing import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from masteryflow.worker.monitor import Monitor, Snapshot

STALE_AFTER_SECONDS = 30.0


def number(value: float) -> str:
    """Exposition number: integers in full (byte counts must not lose digits), others to 4 places."""
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")


def render_metrics(snapshot: Snapshot, memory_budget_bytes: int) -> str:
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        lines.append(f"# HELP masteryflow_{name} {help_text}")
        lines.append(f"# TYPE masteryflow_{name} {kind}")
        lines.extend(f"masteryflow_{name}{labels} {number(value)}" for labels, value in samples)

    workers = snapshot.workers
    metric("worker_ready", "gauge", "1 when the n8n worker's own readiness check answers 200",
           [(f'{{worker="{w.name}"}}', int(w.ready)) for w in workers])
    metric("worker_running_jobs", "gauge", "executions the worker has started and not finished",
           [(f'{{worker="{w.name}"}}', w.running_jobs) for w in workers])
    metric("worker_concurrency", "gauge", "parallel executions the worker accepts",
           [(f'{{worker="{w.name}"}}', w.concurrency) for w in workers])
    metric("worker_rss_bytes", "gauge", "resident memory of the worker and its task runner",
           [(f'{{worker="{w.name}"}}', w.rss_bytes) for w in workers])
    metric("worker_restarts_total", "counter", "times the supervisor restarted the worker after it exited",
           [(f'{{worker="{w.name}"}}', w.restarts) for w in workers])
    metric("workers", "gauge", "n8n worker processes supervised", [("", len(workers))])
    metric("connection_up", "gauge", "1 when the last probe of the connection succeeded",
           [(f'{{target="{name}"}}', int(p.up)) for name, p in snapshot.reachability.items()])
    metric("connection_uptime_ratio", "gauge", "share of probes that succeeded since start",
           [(f'{{target="{name}"}}', round(p.uptime_ratio, 4)) for name, p in snapshot.reachability.items()])
    metric("queue_waiting_jobs", "gauge", "jobs waiting in n8n's queue", [("", snapshot.queue.waiting)])
    metric("queue_active_jobs", "gauge", "jobs taken by a worker and not finished", [("", snapshot.queue.active)])
    metric("queue_stuck", "gauge", "1 when waiting jobs do not move although ready workers have free slots",
           [("", int(snapshot.stuck))])
    metric("queue_stuck_seconds", "gauge", "how long the next waiting job has not moved while it could",
           [("", round(snapshot.stuck_seconds, 1))])
    metric("local_rss_bytes", "gauge", "resident memory of the whole local side (service, workers, runners)",
           [("", snapshot.local_rss_bytes)])
    metric("memory_budget_bytes", "gauge", "the local side's memory budget", [("", memory_budget_bytes)])
    metric("uptime_seconds", "counter", "seconds since the local side started", [("", round(snapshot.uptime_seconds))])
    return "\n".join(lines) + "\n"


class HealthServer:
    def __init__(self, monitor: Monitor, host: str, port: int, more_metrics: Callable[[], str] = str):
        """more_metrics: exposition lines appended to /metrics (the prioritizer's and autoscaler's)."""
        self.monitor = monitor
        handler = type("Handler", (_Handler,), {"monitor": monitor, "more_metrics": staticmethod(more_metrics)})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="health-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "HealthServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.thread.is_alive():  # shutdown() waits for serve_forever, which may never have run
            self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    monitor: Monitor
    more_metrics: Callable[[], str]

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        snapshot = self.monitor.snapshot
        budget = self.monitor.memory_budget_bytes
        if self.path == "/healthz":
            fresh = time.monotonic() - snapshot.taken_at < STALE_AFTER_SECONDS
            self._answer(200 if fresh else 503, "alive\n" if fresh else "supervision loop is not observing\n")
        elif self.path == "/readyz":
            problems = snapshot.problems(budget)
            self._answer(503 if problems else 200, "\n".join(problems) + "\n" if problems else "ready\n")
        elif self.path == "/metrics":
            self._answer(200, render_metrics(snapshot, budget) + self.more_metrics(), "text/plain; version=0.0.4")
        else:
            self._answer(404, "not found: try /healthz, /readyz or /metrics\n")

    def _answer(self, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> None:
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:  # keep request lines out of the service's output
        pass
