"""Build the whole history, then render it table by table into the seven files' blocks."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from masteryflow.seeding import appreciation, catalog, comments, executions, ledger_rows, outcomes, purchases
from masteryflow.seeding import subscriptions, usage, users, workers
from masteryflow.seeding.layout import FILES
from masteryflow.seeding.pools import draw_pools
from masteryflow.seeding.render import Block, copy_block, plans_block
from masteryflow.seeding.world import World

# Recipes in causal order: each may read what the ones before it built.
RECIPES = (
    ("workers", workers.define_workers),
    ("worker samples", workers.build_worker_samples),
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
    "worker samples": ("worker_performance_logs",),
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
    "executions": outcomes.execution_rows,
    "comments": comments.comment_rows,
    "comment_reports": comments.report_rows,
    "ratings": lambda world: world.ratings,
    "favorites": lambda world: world.favorites,
    "usage_logs": usage.usage_rows,
    "transactions": ledger_rows.transaction_rows,
    "activities": ledger_rows.activity_rows,
    "worker_performance_logs": workers.worker_rows,
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
    started = time.perf_counter()
    world = World(seed, scale, draw_pools(seed))
    blocks = {"plans": plans_block()}
    on_block(blocks["plans"])
    for name, recipe in RECIPES:
        recipe(world)
        for table in FINAL_AFTER.get(name, ()):
            blocks[table] = copy_block(table, ROWS_OF[table](world))
            on_block(blocks[table])
        progress(f"built {name} ({time.perf_counter() - started:.2f} s)")
    dataset = Dataset(seed, scale, scenarios=scenario_counts(world))
    for file_name, tables in FILES.items():
        dataset.files[file_name] = [blocks[table] for table in tables]
    progress(f"rendered {sum(dataset.row_counts.values()):,} rows ({time.perf_counter() - started:.2f} s)")
    return dataset


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
