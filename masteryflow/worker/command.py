"""`python -m masteryflow worker setup | check | up` (and the prioritizer's sub-command)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from masteryflow.config import ConfigError
from masteryflow.worker import check, setup
from masteryflow.worker.envfile import read_env_file
from masteryflow.worker.runtime import RuntimeProblem, find_runtime, masteryflow_home
from masteryflow.worker.settings import load_settings
from masteryflow.worker.stop_signal import wait_for_stop_signal


def register(subparsers) -> None:
    worker = subparsers.add_parser("worker", help="the local n8n worker side (RFC-006 phase 2)")
    commands = worker.add_subparsers(dest="worker_command", required=True, metavar="WORKER_COMMAND")
    setup_parser = commands.add_parser("setup", help="install n8n natively (or write compose/.env with Docker)")
    setup_parser.add_argument("--native", action="store_true", help="install natively even if Docker answers")
    setup_parser.set_defaults(handler=run_setup)
    check_parser = commands.add_parser("check", help="verify Redis, PostgreSQL, the encryption key and the "
                                                     "platform database")
    check_parser.add_argument("--env-file", type=Path, help="read settings from this .env file too")
    check_parser.set_defaults(handler=run_check)
    up = commands.add_parser("up", help="check, then run and supervise the local n8n workers")
    up.add_argument("--env-file", type=Path, help="read settings from this .env file too")
    up.add_argument("--state-dir", type=Path, default=None, help="where worker folders and logs go")
    up.set_defaults(handler=run_up)
    try:
        from masteryflow.worker.prioritize_command import register_prioritize
    except ImportError:
        return
    register_prioritize(commands)


def run_setup(args: argparse.Namespace) -> int:
    return setup.run(force_native=args.native)


def checked_settings(env_file: Path | None = None):
    """Settings that passed every check, or None after printing why not."""
    try:
        settings = load_settings({**os.environ, **(read_env_file(env_file) if env_file else {})})
    except ConfigError as problem:
        print(problem, file=sys.stderr)
        return None
    findings = check.run_checks(settings)
    print(check.render(findings), flush=True)
    return None if check.failed(findings) else settings


def run_check(args: argparse.Namespace) -> int:
    return 0 if checked_settings(args.env_file) else 1


def run_up(args: argparse.Namespace) -> int:
    from masteryflow.worker.service import LocalWorkerSide

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = checked_settings(args.env_file)
    if settings is None:
        return 1
    try:
        runtime = find_runtime()
    except RuntimeProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    state_dir = args.state_dir or masteryflow_home() / "worker-state"
    try:
        side = LocalWorkerSide.build(runtime, settings, state_dir)
    except ConfigError as problem:  # the prioritizer's or the autoscaler's settings
        print(problem, file=sys.stderr)
        return 1
    side.start()
    print(f"local worker side up: {settings.local.workers} worker(s), {side.control.describe()}, "
          f"health on {side.http.url}", flush=True)
    wait_for_stop_signal()
    print("stopping: workers finish their running executions first", flush=True)
    side.stop()
    return 0
