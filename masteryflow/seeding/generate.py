"""Build the whole history, then render it table by table into the seven files' blocks."""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from masteryflow.seeding import appreciation, catalog, comments, executions, ledger_rows, outcomes, purchases
from masteryflow.seeding import subscriptions, usage, users, workers
from masteryflow.seeding.layout import FILES
from masteryflow.seeding.pools import draw_pools
from masteryflow.seeding.render import Block, copy_block, joined, plans_block
from masteryflow.seeding.world import World

# Recipes in causal order: each may read what the ones before it built.
RECIPES = (
    ("workers", workers.define_workers),
    ("users", users.build_users),
    ("catalog", catalog.build_catalog),
    ("subscriptions", subscriptions.build_subscriptions),
    ("purchases", purchases.build_purchases),
    ("executions", executions.build_executions),
    ("outcomes", outcomes.run_admitted),
    ("usage", usage.build_usage),
    ("comments", comments.build_comments),
    ("ratings", appreciation.build_ratings),
    ("favorites", appreciation.build_favorites),
)

# recipe -> tables whose rows are final once it has run (they can be loaded while the rest is built)
FINAL_AFTER = {
    "workers": ("worker_performance_logs",),
    "catalog": ("workflow_categories",),
    "subscriptions": ("users", "subscriptions"),
    "purchases": ("orders", "payments", "transactions"),
    "outcomes": ("executions",),
    "usage": ("usage_logs",),
    "comments": ("comments", "comment_reports"),
    "ratings": ("ratings",),
    "favorites": ("favorites", "workflows", "activities"),
}

ROWS_OF: dict[str, Callable[[World], list[tuple]]] = {
    "users": users.user_rows,
    "subscriptions": subscriptions.subscription_rows,
    "workflow_categories": catalog.category_rows,
    "workflows": catalog.workflow_rows,
    "orders": ledger_rows.order_rows,
    "payments": ledger_rows.payment_rows,
    "comments": comments.comment_rows,
    "comment_reports": comments.report_rows,
    "ratings": lambda world: world.ratings,
    "favorites": lambda world: world.favorites,
    "usage_logs": usage.usage_rows,
    "transactions": ledger_rows.transaction_rows,
    "activities": ledger_rows.activity_rows,
}

# the two biggest tables come in parts, each handed over as soon as the next exists, so the load
# copies one part while the next is drawn (worker samples) or rendered (executions)
PARTS_OF: dict[str, Callable[[World], Iterator[list[str]]]] = {
    "worker_performance_logs": workers.sample_parts,
    "executions": outcomes.execution_parts,
}


@dataclass
class Dataset:
    seed: int
    scale: float
    files: dict[str, list[Block]] = field(default_factory=dict)
    scenarios: dict[str, int] = field(default_factory=dict)

    @property
    def row_counts(self) -> dict[str, int]:
        return {block.table: block.rows for blocks in self.files.values() for block in blocks}


def generate(seed: int, scale: float, progress: Callable[[str], None] = lambda message: None,
             on_block: Callable[[Block], None] = lambda block: None) -> Dataset:
    """Build and render everything; each table's block goes to on_block as soon as it is final."""
    with cycle_collector_paused():
        return build(seed, scale, progress, on_block)


@contextmanager
def cycle_collector_paused():
    """The recipes make millions of objects that live to the end and no garbage cycles; left on, the
    cycle collector rescans the growing heap over and over (a sixth of the run time at scale 20)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(seed: int, scale: float, progress: Callable[[str], None], on_block: Callable[[Block], None]) -> Dataset:
    started = time.perf_counter()
    world = World(seed, scale, draw_pools(seed))
    blocks = {"plans": plans_block()}
    on_block(blocks["plans"])
    for name, recipe in RECIPES:
        recipe(world)
        for table in FINAL_AFTER.get(name, ()):
            blocks[table] = hand_over_parts(table, parts_of(table, world), on_block)
        progress(f"built {name} ({time.perf_counter() - started:.2f} s)")
    dataset = Dataset(seed, scale, scenarios=scenario_counts(world))
    for file_name, tables in FILES.items():
        dataset.files[file_name] = [blocks[table] for table in tables]
    progress(f"rendered {sum(dataset.row_counts.values()):,} rows ({time.perf_counter() - started:.2f} s)")
    return dataset


def parts_of(table: str, world: World) -> Iterator[list]:
    return PARTS_OF[table](world) if table in PARTS_OF else iter([ROWS_OF[table](world)])


def hand_over_parts(table: str, parts: Iterator[list[str]], on_block: Callable[[Block], None]) -> Block:
    """Pass each part on as soon as the next one exists (the last is final); return the whole table."""
    blocks: list[Block] = []
    for lines in parts:
        if blocks:
            on_block(blocks[-1])
        blocks.append(copy_block(table, lines, final=False))
    last = replace(blocks.pop(), final=True) if blocks else copy_block(table, [])
    blocks.append(last)
    on_block(last)
    return joined(blocks)


def scenario_counts(world: World) -> dict[str, int]:
    """How many histories of each domain.md scenario the data holds (recipes count the rest)."""
    counts = dict(world.scenarios)
    runs = world.executions
    counts["E1"] = sum(1 for run in runs if run.status != "refused")
    counts["E3"] = sum(1 for run in runs if run.refusal_reason == "not_entitled")
    counts["E3_vip_paid_runs"] = sum(1 for run in runs if run.tier == "vip" and run.workflow.price_cents
                                     and run.status != "refused")
    counts["E4"] = sum(1 for run in runs if run.status == "error")
    counts["E5"] = sum(1 for run in runs if run.status == "timeout")
    return dict(sorted(counts.items()))
