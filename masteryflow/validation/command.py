"""`python -m masteryflow validate`: check a seeded database and explain what does not hold."""

from __future__ import annotations

import argparse
import sys

from masteryflow.config import platform_database_url
from masteryflow.validation.report import as_json, as_text
from masteryflow.validation.runner import CannotValidate, validate


def positive_scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"scale must be a number, not {text!r}") from None
    if scale <= 0:
        raise argparse.ArgumentTypeError(f"scale must be greater than 0, not {text}")
    return scale


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate", help="check a seeded database: volumes, integrity, rules, scenario coverage, schema drift",
        description="Exit status 0 when every check passes, 1 otherwise (also when the database cannot be checked).")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: $MASTERYFLOW_DATABASE_URL)")
    parser.add_argument("--scale", type=positive_scale,
                        help="scale the data was generated at (default: the last recorded seed load, else users / 1,000)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--verbose", action="store_true", help="list passing checks too")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        validation = validate(args.database_url or platform_database_url(), args.scale)
    except CannotValidate as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(as_json(validation) if args.json else as_text(validation, args.verbose))
    return 0 if validation.passed else 1
