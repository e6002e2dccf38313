"""Tier prioritizer and autoscaler, measured on real Redis (DB 4) and PostgreSQL.

1. Placement latency and priority inversions under a steady load of mixed-tier synthetic Bull jobs
   (added exactly as Bull adds them), with a consumer taking jobs like a Bull worker (RPOPLPUSH) at a
   fixed rate slower than the arrivals, so the queue is saturated. An inversion is a job starting
   while a job of a better tier was already placed and waiting. Run side by side: poll only, and
   poll + Bull's "job added" messages.
2. Autoscaler reaction: a backlog appears on the queue at a random moment -> the scale-up decision.

    .venv/bin/python bench/bench_prioritizer.py [--seconds 10] [--rate 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import redis
from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from masteryflow.testing.builders.accounts import create_user  # noqa: E402
from masteryflow.testing.bull_jobs import RoundTripCounter, SyntheticQueue  # noqa: E402
from masteryflow.testing.databases import DatabaseFactory  # noqa: E402
from masteryflow.worker.autoscaler import MIB, UP, Autoscaler, Observation, ScalingPolicy  # noqa: E402
from masteryflow.worker.prioritizer import Prioritizer, PrioritizerSettings  # noqa: E402
from masteryflow.worker.prioritizer_service import PrioritizerService  # noqa: E402
from masteryflow.worker.queue import BullQueue  # noqa: E402
from masteryflow.worker.tier_resolver import TierResolver  # noqa: E402

SERVER_URL = os.environ.get("MASTERYFLOW_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("MASTERYFLOW_PRIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
TIER_RANK = {"vip": 0, "premium": 1, "pro": 2, "free": 3}
TARGET_P99_MS = 100.0

# takes the next job like Bull's moveToActive and, in the same atomic step, counts the placed
# waiting jobs of a better tier. KEYS: wait, active, priority, then one SET of job ids per tier
# rank (0 = VIP), filled when each job is added.
TAKE_AND_CHECK = """
local jobId = redis.call("RPOPLPUSH", KEYS[1], KEYS[2])
if not jobId then return false end
local score = redis.call("ZSCORE", KEYS[3], jobId)
redis.call("ZREM", KEYS[3], jobId)
local rank = #KEYS - 3
for r = 0, #KEYS - 4 do
  if redis.call("SREM", KEYS[4 + r], jobId) == 1 then rank = r end
end
local better = 0
for r = 0, rank - 1 do
  for _, other in ipairs(redis.call("SMEMBERS", KEYS[4 + r])) do
    local s = redis.call("ZSCORE", KEYS[3], other)
    if s and tonumber(s) < 50 then better = better + 1 end
  end
end
return {jobId, tostring(score), better}
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def platform_with_customers(databases: DatabaseFactory):
    database = databases.fresh("prio_bench")
    faker = Faker()
    faker.seed_instance(11)
    projects = {tier: create_user(database.connection, faker, tier=tier)["n8n_project_id"] for tier in TIER_RANK}
    return database, projects


def steady_load(platform_url: str, projects: dict, seconds: float, rate: float, take_rate: float,
                notify: bool, poll_ms: float) -> dict:
    client = RoundTripCounter.from_url(REDIS_URL, decode_responses=True)
    queue = BullQueue(client, prefix=f"mf_prio_bench_{os.getpid()}_{'notify' if notify else 'poll'}")
    producer_client = redis.Redis.from_url(REDIS_URL, decode_responses=True)  # not counted
    synthetic = SyntheticQueue(BullQueue(producer_client, prefix=queue.base[:-len(":jobs")]))
    synthetic.clear()
    tier_sets = [f"{queue.base}:bench-tier-{rank}" for rank in range(len(TIER_RANK))]
    prioritizer = Prioritizer(queue, TierResolver(platform_url), PrioritizerSettings(
        poll_seconds=poll_ms / 1000, aging_step_seconds=0))
    service = PrioritizerService(prioritizer, listen_for_new_jobs=notify)
    take = synthetic.client.register_script(TAKE_AND_CHECK)
    rng = random.Random(5)
    outcome = {"taken": 0, "inversions": 0, "taken_unplaced": 0}
    stop = threading.Event()

    def produce():
        next_at = time.perf_counter()
        while not stop.is_set():
            tier = rng.choice(list(TIER_RANK))
            synthetic.add(projects[tier], webhook=rng.random() < 0.7, index_set=tier_sets[TIER_RANK[tier]])
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.perf_counter()))

    def consume():
        next_at = time.perf_counter() + 0.5  # let a backlog form first
        while not stop.is_set():
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += 1 / take_rate
            taken = take(keys=[queue.wait_key, queue.active_key, queue.priority_key, *tier_sets])
            if taken:
                outcome["taken"] += 1
                outcome["inversions"] += int(taken[2] > 0)
                outcome["taken_unplaced"] += int(float(taken[1]) >= 50)

    service.start()
    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    service.stop()
    delays = list(prioritizer.stats.placement_delays_ms)
    outcome.update(placed=prioritizer.stats.placed, p50=percentile(delays, 50), p99=percentile(delays, 99),
                   max=max(delays, default=float("nan")), round_trips=client.round_trips,
                   passes=prioritizer.stats.passes, backlog=synthetic.queue.counts().waiting)
    synthetic.clear()
    return outcome


def autoscaler_reaction(poll_seconds: float, trials: int) -> list[float]:
    """Seconds from a backlog appearing on the queue to the scale-up decision, per trial."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    queue = BullQueue(client, prefix=f"mf_prio_bench_{os.getpid()}_scale")
    synthetic = SyntheticQueue(queue)
    reactions = []
    for trial in range(trials):
        synthetic.clear()
        scaler = Autoscaler(ScalingPolicy(min_workers=1, max_workers=4, concurrency=5))
        appear_after = random.Random(trial).uniform(0, poll_seconds * 2)
        appeared = threading.Event()
        appeared_at = [0.0]

        def make_backlog():
            time.sleep(appear_after)
            for _ in range(20):
                synthetic.add("project", webhook=True)
            appeared_at[0] = time.perf_counter()
            appeared.set()

        threading.Thread(target=make_backlog).start()
        while True:
            counts = queue.counts()
            decision = scaler.decide(Observation(time.monotonic(), counts.waiting, counts.active, workers=1,
                                                 idle_workers=1, side_rss_bytes=500 * MIB,
                                                 worker_rss_bytes=400 * MIB))
            if decision.action == UP and appeared.is_set():
                reactions.append(time.perf_counter() - appeared_at[0])
                break
            time.sleep(poll_seconds)
    synthetic.clear()
    return reactions


def decision_cost_us(samples: int = 20_000) -> float:
    scaler = Autoscaler(ScalingPolicy())
    observation = Observation(0.0, 30, 5, 2, 0, 900 * MIB, 400 * MIB)
    started = time.perf_counter()
    for _ in range(samples):
        scaler.decide(observation)
    return (time.perf_counter() - started) / samples * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="jobs added per second")
    parser.add_argument("--poll-ms", type=float, default=20.0)
    parser.add_argument("--scale-poll", type=float, default=1.0, help="autoscaler poll interval (s)")
    args = parser.parse_args()
    databases = DatabaseFactory(SERVER_URL)
    platform, projects = platform_with_customers(databases)
    try:
        print(f"steady load: {args.rate:.0f} jobs/s for {args.seconds:.0f} s, taken at {args.rate * 0.9:.0f}/s "
              f"(saturated), prioritizer poll {args.poll_ms:.0f} ms, aging off")
        print(f"{'mode':<18}{'placed':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'p99/target':>12}"
              f"{'taken':>8}{'inversions':>12}{'round trips/job':>17}")
        for notify in (False, True):
            r = steady_load(platform.url, projects, args.seconds, args.rate, args.rate * 0.9, notify, args.poll_ms)
            mode = "poll + messages" if notify else "poll only"
            print(f"{mode:<18}{r['placed']:>8}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}"
                  f"{r['p99'] / TARGET_P99_MS:>12.2f}{r['taken']:>8}{r['inversions']:>12}"
                  f"{r['round_trips'] / max(r['placed'], 1):>17.2f}")
            print(f"{'':<18}(jobs taken before being placed: {r['taken_unplaced']}, passes {r['passes']}, "
                  f"backlog at the end {r['backlog']})")
    finally:
        databases.discard(platform)
        databases.close()
    reactions = autoscaler_reaction(args.scale_poll, trials=5)
    print(f"autoscaler: backlog -> scale-up decision, poll {args.scale_poll:g} s, 5 trials: "
          f"median {statistics.median(reactions):.3f} s, max {max(reactions):.3f} s, "
          f"max / poll interval {max(reactions) / args.scale_poll:.2f} (target <= 1)")
    print(f"autoscaler: one decision costs {decision_cost_us():.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
