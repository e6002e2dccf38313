"""Worker performance samples: every local n8n worker, every 20 s, load following the daily cycle."""

from __future__ import annotations

from typing import Iterator

from masteryflow.seeding.clock import AS_OF, HOUR, HOURLY_LOAD, ts
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import World

WORKER_COUNT = 8
INTERVAL_SECONDS = 20
N8N_VERSION = "2.1.4"
PEAK_LOAD = max(HOURLY_LOAD)
INTERVAL = f"{INTERVAL_SECONDS}.000"
PART_STEPS = 6_000        # 48,000 rows a part: the load starts on the first part while the rest is drawn


def define_workers(world: World) -> None:
    hosts = world.pools.hosts
    world.workers = [(f"worker-{n:02d}", f"{hosts[n % len(hosts)]}-{n % 3 + 1}") for n in range(1, WORKER_COUNT + 1)]


def sample_parts(world: World) -> Iterator[list[str]]:
    """COPY lines in time order: every interval, one sample per worker (the biggest table), in parts."""
    rng = stream(world.seed, "worker_performance_logs")
    per_worker = world.volume("worker_samples") // WORKER_COUNT
    first = AS_OF - per_worker * INTERVAL_SECONDS
    setups = [(f"{worker_id}\t{host}\t{N8N_VERSION}\t{concurrency}", concurrency, rng.randrange(180, 260) * 1_048_576)
              for (worker_id, host), concurrency in zip(world.workers, rng.choices((5, 10, 20), k=WORKER_COUNT))]
    lines, random = [], rng.random
    number = 0
    for step in range(per_worker):
        at = first + step * INTERVAL_SECONDS
        sampled_at, hour_load = ts(at), HOURLY_LOAD[at // HOUR % 24] / PEAK_LOAD
        for prefix, concurrency, base_rss in setups:
            number += 1
            load = hour_load * random()
            running = int(concurrency * load + 0.5)
            waiting = int(random() * 60 * load) if running == concurrency else 0
            completed = int(running * (0.5 + 2.5 * random()))
            rss = base_rss + running * 9_437_184 + int(random() * 4_194_304)
            ready = "t" if random() > 0.002 else "f"
            lines.append(f"{number}\t{prefix}\t{running}\t{completed}\t{completed // 25}\t{waiting}\t"
                         f"{running + waiting // 4}\t{rss}\t{4 + load * 85 + random() * 6:.2f}\t{ready}\t"
                         f"{INTERVAL}\t{sampled_at}")
        if (step + 1) % PART_STEPS == 0:
            yield lines
            lines = []
    if lines:
        yield lines
