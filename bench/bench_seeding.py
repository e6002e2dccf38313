"""Seeding benchmark: the generator end to end vs the obvious script vs PostgreSQL's COPY limit.

    .venv/bin/python bench/bench_seeding.py [--scales 1 20] [--repeat 3] [--database-url URL]

(a) generator: `python -m masteryflow seed ... --database-url` (generate + write 7 files + load),
    then `python -m masteryflow validate` (timed separately and summed); the median of --repeat runs;
(b) obvious: one Faker call per value, psycopg executemany INSERT per table, 7 tables, no files,
    no validation, no consistency between tables (the quality.md baseline);
(c) COPY limit: the generator's rows, already rendered, COPYed into a freshly migrated database
    in one transaction (the schema's keys and indexes in place).
Each approach gets its own database (prefix mf_bench_), dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from faker import Faker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from masteryflow import db  # noqa: E402
from masteryflow.config import platform_database_url  # noqa: E402

PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
COPY_STATEMENT = re.compile(rb"^(COPY .* FROM stdin);\n", re.MULTILINE)
# the obvious script's 7 tables and rows at scale 1 (51,200 rows, as in quality.md)
OBVIOUS_ROWS = {"users": 1000, "workflows": 200, "orders": 500, "executions": 10_000, "comments": 2000,
                "ratings": 1500, "worker_performance_logs": 36_000}


def fresh_database(server: str, name: str, migrate: bool) -> str:
    db.drop_database(server, name)
    url = db.create_database(server, name)
    if migrate:
        db.apply_migrations(url)
    return url


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(arguments: list[str], must_pass: bool = True) -> float:
    started = time.perf_counter()
    finished = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True)
    if finished.returncode != 0 and not must_pass:
        print(f"note: {' '.join(arguments[1:4])} exited {finished.returncode}: {finished.stdout.strip().splitlines()[-1:]}")
    elif finished.returncode != 0:
        raise SystemExit(f"{' '.join(arguments[:4])} failed:\n{finished.stdout[-2000:]}{finished.stderr[-2000:]}")
    return time.perf_counter() - started


def generator(server: str, scale: int, out: Path) -> tuple[int, float, float | None, float]:
    url = fresh_database(server, f"mf_bench_generator_{scale}", migrate=False)
    cpu_before = children_cpu()
    seconds = run([PYTHON, "-m", "masteryflow", "seed", "--seed", "1", "--scale", str(scale), "--out", str(out),
                   "--database-url", url, "--quiet"])
    cpu = children_cpu() - cpu_before
    validate = None
    if (ROOT / "masteryflow/validation/command.py").exists():
        validate = run([PYTHON, "-m", "masteryflow", "validate", "--database-url", url, "--scale", str(scale)],
                       must_pass=False)  # timed either way; a finding (e.g. schema files edited meanwhile) is shown
    rows = int(re.search(r'"total_rows": (\d+)', (out / "manifest.json").read_text()).group(1))
    db.drop_database(server, f"mf_bench_generator_{scale}")
    return rows, seconds, validate, cpu


def median_run(server: str, scale: int, out: Path, repeat: int) -> tuple[int, float, float | None, float]:
    """The generator's median run (by end-to-end time) of `repeat`; every time is printed."""
    runs = sorted((generator(server, scale, out) for _ in range(max(1, repeat))), key=lambda run: run[1])
    print(f"  scale {scale}: generator end to end, {len(runs)} runs: "
          + ", ".join(f"{seconds:.2f} s" for _, seconds, _, _ in runs))
    return runs[len(runs) // 2]


def copy_limit(server: str, scale: int, out: Path) -> tuple[int, float]:
    """COPY every block of the generator's files (rendered already) in one transaction."""
    blocks = []
    for path in sorted(out.glob("0*_seeding.sql")):
        text = path.read_bytes()
        for match in COPY_STATEMENT.finditer(text):
            end = text.index(b"\\.\n", match.end())
            blocks.append((match.group(1).decode(), text[match.end():end]))
    url = fresh_database(server, f"mf_bench_copy_{scale}", migrate=True)
    started, cpu_before = time.perf_counter(), time.process_time()
    rows = 0
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        for statement, data in blocks:
            with cursor.copy(statement) as copy:
                copy.write(data)
            rows += data.count(b"\n")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    db.drop_database(server, f"mf_bench_copy_{scale}")
    return rows + 4, seconds, cpu  # + the four plans rows, already there


def obvious(server: str, scale: int) -> tuple[int, float]:
    """What one writes first: Faker per value, executemany per table, nothing kept consistent."""
    url = fresh_database(server, f"mf_bench_obvious_{scale}", migrate=True)
    fake = Faker()
    Faker.seed(1)
    n = {table: rows * scale for table, rows in OBVIOUS_ROWS.items()}
    started, cpu_before = time.perf_counter(), time.process_time()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO users (email, display_name, tier, country, signed_up_at) VALUES (%s, %s, %s, %s, %s)",
                        [(fake.unique.email(), fake.name(), fake.random_element(("free", "pro", "premium", "vip")),
                          fake.country_code(), fake.date_time_this_year()) for _ in range(n["users"])])
        cur.execute("INSERT INTO workflow_categories (name, slug) VALUES ('General', 'general')")
        cur.executemany("INSERT INTO workflows (author_id, category_id, title, slug, price_cents, status, published_at) "
                        "VALUES (%s, 1, %s, %s, %s, 'published', now())",
                        [(fake.random_int(1, n["users"]), fake.catch_phrase(), f"{fake.slug()}-{i}",
                          fake.random_element((0, 499, 1900))) for i in range(n["workflows"])])
        cur.executemany("INSERT INTO orders (kind, purpose, buyer_id, tier, list_price_cents, amount_due_cents, created_at) "
                        "VALUES ('subscription', 'new_subscription', %s, 'pro', 1900, 1900, %s)",
                        [(fake.random_int(1, n["users"]), fake.date_time_this_year()) for _ in range(n["orders"])])
        cur.executemany("INSERT INTO executions (user_id, workflow_id, tier, queue_priority, status, requested_at) "
                        "VALUES (%s, %s, %s, %s, 'queued', %s)",
                        [(fake.random_int(1, n["users"]), fake.random_int(1, n["workflows"]), "free",
                          fake.random_element((10, 20, 30, 40)), fake.date_time_this_year())
                         for _ in range(n["executions"])])
        cur.executemany("INSERT INTO comments (workflow_id, author_id, body) VALUES (%s, %s, %s)",
                        [(fake.random_int(1, n["workflows"]), fake.random_int(1, n["users"]), fake.sentence())
                         for _ in range(n["comments"])])
        cur.executemany("INSERT INTO ratings (workflow_id, user_id, stars) VALUES (%s, %s, %s)",
                        [(1 + i % n["workflows"], 1 + i // n["workflows"], fake.random_int(1, 5))
                         for i in range(n["ratings"])])
        cur.executemany("INSERT INTO worker_performance_logs (worker_id, host, n8n_version, concurrency, running_jobs, "
                        "queue_waiting, queue_active, rss_bytes, cpu_percent, ready, interval_seconds) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 20)",
                        [(fake.bothify("worker-##"), fake.hostname(), fake.numerify("2.#.#"), fake.random_int(1, 20),
                          fake.random_int(0, 20), fake.random_int(0, 500), fake.random_int(0, 20),
                          fake.random_int(100_000_000, 900_000_000), fake.pyfloat(min_value=0, max_value=100, right_digits=2),
                          fake.pybool()) for _ in range(n["worker_performance_logs"])])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    db.drop_database(server, f"mf_bench_obvious_{scale}")
    return sum(n.values()) + 1, seconds, cpu


def report(scale: int, results: list[tuple]) -> None:
    """Wall time decides; client CPU (Python side, not PostgreSQL) shows the cost on a busy machine."""
    reference = results[0][2]
    print(f"\nscale {scale} (load average now {os.getloadavg()[0]:.1f})")
    print(f"  {'approach':<44} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'time vs (a)':>12} {'client CPU s':>13}")
    for name, rows, seconds, cpu in results:
        cpu_text = "" if cpu is None else f"{cpu:.2f}"
        print(f"  {name:<44} {rows:>10,} {seconds:>9.2f} {rows / seconds:>10,.0f} {seconds / reference:>11.2f}x"
              f" {cpu_text:>13}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--database-url", default=platform_database_url(), help="server to create mf_bench_* on")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the generator per scale; the median is shown")
    args = parser.parse_args()
    print(f"seeding benchmark: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start")
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="mf_bench_") as out_dir:
            out = Path(out_dir)
            rows, generate_load, validate, cpu = median_run(args.database_url, scale, out, args.repeat)
            results = [("(a) generator: generate + files + load", rows, generate_load, cpu)]
            if validate is not None:
                results.append(("(a) generator: generate + load + validate", rows, generate_load + validate, None))
            results.append(("(b) obvious: Faker per value, executemany", *obvious(args.database_url, scale)))
            results.append(("(c) COPY limit: same rows, pre-rendered", *copy_limit(args.database_url, scale, out)))
        report(scale, results)


if __name__ == "__main__":
    main()
