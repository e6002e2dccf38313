"""`python -m masteryflow seed`: generate the mock data files, optionally load them.

Exit codes: 0 done, 2 bad input (scale, seed, output directory), 3 refused by the safety guard,
4 database unreachable, 5 the database rejected the load (nothing changed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import psycopg

from masteryflow.seeding import guard, loader
from masteryflow.seeding.generate import generate
from masteryflow.seeding.writer import OutputError, write_files

MIN_SCALE, MAX_SCALE = 1, 50
EXIT_BAD_INPUT, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_LOAD_FAILED = 2, 3, 4, 5


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "seed", help="generate deterministic mock data (7 COPY files + manifest), optionally load it",
        description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    parser.add_argument("--scale", type=scale_value, default=1.0,
                        help=f"volume multiplier, {MIN_SCALE} to {MAX_SCALE}, fractions allowed (1 = 50,000+ rows)")
    parser.add_argument("--out", type=Path, default=Path("out/mock-data"), help="output directory")
    parser.add_argument("--database-url", help="also load the files into this database, in one transaction")
    parser.add_argument("--force", action="store_true",
                        help="overwrite foreign files; load into a database that holds other data or looks like production")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(handler=run)


def scale_value(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"scale must be between {MIN_SCALE} and {MAX_SCALE}, got {text}")
    return scale


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"seed: {message}", file=sys.stderr, flush=True)

    session = None
    try:
        if args.database_url:
            session = loader.LoadSession(args.database_url, force=args.force, progress=progress)
        dataset = generate(args.seed, args.scale, progress, on_block=session.add if session else lambda block: None)
        manifest = write_files(dataset, args.out, force=args.force)
        progress(f"wrote {len(dataset.files)} files and manifest.json to {args.out} "
                 f"({time.perf_counter() - started:.2f} s)")
        if session:
            session.finish(manifest)
    except OutputError as error:
        return abandon(session, str(error), EXIT_BAD_INPUT)
    except guard.Refused as refusal:
        return fail(f"refused: {refusal}", EXIT_REFUSED)
    except loader.Unreachable as error:
        return fail(str(error), EXIT_UNREACHABLE)
    except loader.LoadFailed as error:
        return fail(str(error), EXIT_LOAD_FAILED)
    except psycopg.Error as error:  # e.g. the server cut the connection while checking or loading
        return abandon(session, f"the database failed, nothing was changed: {loader.first_line(error)}",
                       EXIT_LOAD_FAILED)
    total = manifest["total_rows"]
    seconds = time.perf_counter() - started
    print(f"{total:,} rows in {len(dataset.files)} files{' loaded' if args.database_url else ''} "
          f"in {seconds:.2f} s ({total / seconds:,.0f} rows/s); manifest: {args.out / 'manifest.json'}")
    return 0


def abandon(session, message: str, code: int) -> int:
    if session:
        session.abort()
    return fail(message, code)


def fail(message: str, code: int) -> int:
    print(f"seed: {message}", file=sys.stderr)
    return code
