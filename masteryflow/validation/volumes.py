"""Volumes: rows per table against the RFC's scale-1 targets times the scale, and the tier split."""

from __future__ import annotations

import math

from masteryflow.validation.findings import CheckList, Finding, Probe

checks = CheckList("volume")

PLATFORM_TABLES = ("plans", "users", "subscriptions", "workflow_categories", "workflows", "orders", "payments",
                   "executions", "comments", "comment_reports", "ratings", "favorites", "usage_logs",
                   "transactions", "activities", "worker_performance_logs")

# Exact targets at scale 1 (the RFC's "Mock data" section); multiplied by the scale.
ROWS_AT_SCALE_1 = {"users": 1_000, "workflows": 200, "orders": 500, "executions": 10_000,
                   "comments": 2_000, "ratings": 1_500}
TIERS_AT_SCALE_1 = {"free": 600, "pro": 250, "premium": 120, "vip": 30}
TOTAL_ROWS_AT_SCALE_1 = 50_000


def expected_counts(base: int, scale: float) -> set[int]:
    """A whole target, or either neighbour when the scale makes it fractional."""
    target = base * scale
    return {math.floor(target), math.ceil(target)}


def either(counts: set[int]) -> str:
    return " or ".join(f"{n:,}" for n in sorted(counts))


def count_rows(probe: Probe) -> dict[str, int]:
    query = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM {table}" for table in PLATFORM_TABLES)
    return dict(probe.rows(query))


def table_volume(table: str, found: int, scale: float) -> Finding:
    if table not in ROWS_AT_SCALE_1:
        return Finding(found > 0, f"{table}: {found:,} rows" + ("" if found else ", expected some"), int(found == 0))
    wanted = expected_counts(ROWS_AT_SCALE_1[table], scale)
    return Finding(found in wanted, f"{table}: {found:,} rows, expected {either(wanted)} at scale {scale:g}",
                   int(found not in wanted))


@checks.add
def rows_per_table(probe: Probe) -> list[Finding]:
    counts = count_rows(probe)
    total, wanted_total = sum(counts.values()), TOTAL_ROWS_AT_SCALE_1 * probe.scale
    return [table_volume(table, counts[table], probe.scale) for table in PLATFORM_TABLES] + [
        Finding(total >= wanted_total, f"all 16 tables: {total:,} rows, expected at least {wanted_total:,.0f}",
                int(total < wanted_total))]


@checks.add
def users_per_tier(probe: Probe) -> Finding:
    found = dict(probe.rows("SELECT tier, count(*) FROM users GROUP BY tier"))
    wrong = [f"{tier}: {found.get(tier, 0):,} users, expected {either(expected_counts(base, probe.scale))}"
             for tier, base in TIERS_AT_SCALE_1.items()
             if found.get(tier, 0) not in expected_counts(base, probe.scale)]
    wrong += [f"{tier}: {n:,} users on a tier that is not in the split" for tier, n in found.items()
              if tier not in TIERS_AT_SCALE_1]
    split = " / ".join(f"{tier} {found.get(tier, 0):,}" for tier in TIERS_AT_SCALE_1)
    if not wrong:
        return Finding(True, f"users per tier are exactly {split}")
    wanted_split = " / ".join(f"{tier} {n * probe.scale:,.0f}" for tier, n in TIERS_AT_SCALE_1.items())
    return Finding(False, f"users per tier are {split}, not the RFC's split {wanted_split}", len(wrong), tuple(wrong))


def infer_scale(probe: Probe) -> float:
    """The scale of the last load the generator recorded (meta.seed_loads); without one,
    users / 1,000 rounded to a whole number (at least 1)."""
    if probe.value("SELECT to_regclass('meta.seed_loads') IS NOT NULL"):
        recorded = probe.rows("SELECT scale FROM meta.seed_loads ORDER BY id DESC LIMIT 1")
        if recorded:
            return float(recorded[0][0])
    users = probe.value("SELECT count(*) FROM users")
    return float(max(1, round(users / ROWS_AT_SCALE_1["users"])))
