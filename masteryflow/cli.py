"""Command line: `python -m masteryflow <command> ...`.

Argument parsing only. Each area registers its own sub-commands through a module with
`register(subparsers)`; the chosen sub-command's handler returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

import psycopg

from masteryflow.config import ConfigError
from masteryflow.db import MigrationError

# area name -> module exposing register(subparsers)
COMMAND_MODULES = {
    "quickstart": "masteryflow.quickstart",
    "migrate": "masteryflow.migrate_command",
    "seed": "masteryflow.seeding.command",
    "validate": "masteryflow.validation.command",
    "worker": "masteryflow.worker.command",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for one known command imports only that command's area (start-up time);
    without one (help, a typo) it registers them all, so the message lists every command."""
    parser = argparse.ArgumentParser(prog="python -m masteryflow", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMAND_MODULES.items():
        if command in COMMAND_MODULES and name != command:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name and module_name.startswith(missing.name):
                continue  # area not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (ConfigError, MigrationError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except psycopg.OperationalError as problem:
        print(f"error: cannot reach the database: {one_line(problem)}", file=sys.stderr)
        return 2


def one_line(problem: Exception) -> str:
    """psycopg's message on one line (it names host and port, never the password)."""
    return " ".join(line.strip() for line in str(problem).splitlines() if line.strip()) or type(problem).__name__
