"""Validation benchmark: `python -m masteryflow validate` at scale 1 and 20, side by side with
the cost of merely reading every row once.

    .venv/bin/python bench/bench_validation.py [--scales 1 20] [--runs 3] [--database-url URL]

For each scale: the generator seeds a database of its own (prefix mf_bench_valid_, dropped after),
then (a) the command end to end (process start, reference schema, all checks), (b) the checks alone
in-process, (c) a floor: one sequential count(*) of each of the 16 tables. Medians of --runs runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from masteryflow import db  # noqa: E402
from masteryflow.config import platform_database_url  # noqa: E402
from masteryflow.validation.runner import validate  # noqa: E402
from masteryflow.validation.volumes import PLATFORM_TABLES  # noqa: E402

PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable


def masteryflow(*arguments: str) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "-m", "masteryflow", *arguments], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def read_every_row(url: str) -> tuple[float, int]:
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        rows = sum(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in PLATFORM_TABLES)
        return time.perf_counter() - started, rows


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def bench_scale(server_url: str, scale: float, runs: int) -> None:
    name = f"mf_bench_valid_{str(scale).replace('.', '_')}"
    db.drop_database(server_url, name)
    url = db.create_database(server_url, name)
    try:
        with tempfile.TemporaryDirectory(prefix="mf-bench-valid-") as out:
            masteryflow("seed", "--seed", "1", "--scale", f"{scale:g}", "--out", out, "--database-url", url, "--quiet")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
        command = median_of(runs, lambda: masteryflow("validate", "--database-url", url))
        checks = median_of(runs, lambda: validate(url).seconds)
        floor, rows = min(read_every_row(url) for _ in range(runs))
        checks_run = len(validate(url).results)
        print(f"scale {scale:g}: {rows:,} rows, {checks_run} checks | command {command:.2f} s | checks alone "
              f"{checks:.2f} s ({rows / checks:,.0f} rows/s) | reading every row once {floor:.3f} s | "
              f"checks / one read = {checks / floor:.1f}x")
    finally:
        db.drop_database(server_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 20])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=db.admin_url(platform_database_url()))
    args = parser.parse_args()
    for scale in args.scales:
        bench_scale(args.database_url, scale, args.runs)


if __name__ == "__main__":
    main()
