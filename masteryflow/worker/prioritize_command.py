"""`python -m masteryflow worker prioritize [--once]`: order n8n's waiting jobs by customer tier.

Registered by the worker area's command module through `register_prioritize(worker_subparsers)`.
"""

from __future__ import annotations

import argparse
import logging
import sys

import redis

from masteryflow.worker.prioritizer_service import PrioritizerService, options_from_environment
from masteryflow.worker.settings import load_settings
from masteryflow.worker.stop_signal import wait_for_stop_signal
from masteryflow.worker.tier_resolver import TierLookupUnavailable


def register_prioritize(worker_subparsers) -> None:
    parser = worker_subparsers.add_parser(
        "prioritize", help="reorder n8n's waiting executions by customer tier (VIP first), until stopped")
    parser.add_argument("--once", action="store_true", help="one pass over the waiting jobs, then exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = options_from_environment()
    service = PrioritizerService.from_settings(load_settings(), options)
    if args.once:
        try:
            report = service.prioritizer.run_pass()
        except (redis.RedisError, TierLookupUnavailable) as problem:
            print(f"prioritizer pass failed: {problem}", file=sys.stderr)
            return 1
        print(f"placed {report.placed} job(s), moved up {report.aged} aged job(s), "
              f"left {report.set_aside} job(s) where n8n put them")
        return 0
    service.start()
    print(f"prioritizing (poll every {options.settings.poll_seconds * 1000:.0f} ms, aging step "
          f"{options.settings.aging_step_seconds:g} s); Ctrl-C to stop", flush=True)
    wait_for_stop_signal()
    service.stop()
    print(f"stopped after {service.prioritizer.stats.passes} passes, {service.prioritizer.stats.placed} placed")
    return 0
