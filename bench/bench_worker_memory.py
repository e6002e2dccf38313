"""Local worker side: start-up time and memory with 1 and 2 real n8n workers, against the
2 GB budget, measured side by side on this machine.

    .venv/bin/python bench/bench_worker_memory.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from masteryflow.services import discover  # noqa: E402
from masteryflow.testing.databases import DatabaseFactory  # noqa: E402
from masteryflow.testing.n8n_stack import start_stack, stop_stack  # noqa: E402

MB = 1024 * 1024
BUDGET = 2048 * MB


def measure(workers: int, services, databases) -> dict:
    stack = start_stack(services.database_url, services.redis_url, databases, workers=workers, concurrency=5)
    try:
        time.sleep(10)  # let start-up allocations settle
        processes = list(stack.side.supervisor.workers.values())
        return {
            "workers": workers,
            "stack_seconds": stack.started_seconds,
            "main_rss": stack.main.rss_bytes(),
            "worker_rss": [process.rss_bytes() for process in processes],
            "local_rss": stack.side.supervisor.local_rss_bytes(),
        }
    finally:
        stop_stack(stack, databases)


def main() -> int:
    services = discover()
    databases = DatabaseFactory(services.database_url)
    results = [measure(count, services, databases) for count in (1, 2)]
    for result in results:
        per_worker = ", ".join(f"{rss / MB:.0f}" for rss in result["worker_rss"])
        print(f"{result['workers']} worker(s): stack up in {result['stack_seconds']:.1f} s; "
              f"n8n main {result['main_rss'] / MB:.0f} MB (VPS side, not counted); "
              f"workers incl. task runner [{per_worker}] MB; local side {result['local_rss'] / MB:.0f} MB "
              f"= {result['local_rss'] / BUDGET:.2f} of the 2 GB budget")
    one, two = results
    largest_worker = max(max(result["worker_rss"]) for result in results)
    print(f"ratio: local side with 2 workers / with 1 = {two['local_rss'] / one['local_rss']:.2f}; "
          f"workers that fit the budget at the largest size seen ({largest_worker / MB:.0f} MB): "
          f"{int(BUDGET // largest_worker)}")
    services.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
