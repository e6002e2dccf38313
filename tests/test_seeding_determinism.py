"""Same seed + same versions -> byte-identical files; each table group draws from its own stream."""

from __future__ import annotations

import pytest

from masteryflow.seeding import comments, generate, outcomes, workers
from masteryflow.seeding.manifest import build_manifest
from masteryflow.seeding.writer import render_files, write_files


def files_for(seed: int) -> dict[str, bytes]:
    return render_files(generate.generate(seed, 1))


@pytest.fixture(scope="module")
def seed_5_files():
    return files_for(5)


def test_same_seed_gives_byte_identical_files_and_manifest(seed_5_files, tmp_path):
    first, second = write_files(generate.generate(5, 1), tmp_path / "a"), write_files(generate.generate(5, 1), tmp_path / "b")
    assert first == second
    for name in seed_5_files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes() == seed_5_files[name]
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()


def test_another_seed_gives_other_data(seed_5_files):
    other = files_for(6)
    assert all(other[name] != seed_5_files[name] for name in seed_5_files)


def test_the_files_do_not_depend_on_how_the_big_tables_are_cut_into_parts(seed_5_files, monkeypatch):
    parts_seen = []
    monkeypatch.setattr(outcomes, "PART_ROWS", 999)
    monkeypatch.setattr(workers, "PART_STEPS", 77)
    assert render_files(generate.generate(5, 1, on_block=parts_seen.append)) == seed_5_files
    assert [block.table for block in parts_seen].count("executions") > 10
    assert [block.final for block in parts_seen if block.table == "worker_performance_logs"][-2:] == [False, True]


def perturbed(module, stream_name: str, monkeypatch):
    """Make one recipe's stream draw differently (as a changed recipe would)."""
    original = module.stream

    def stream(seed, name):
        rng = original(seed, name)
        if name == stream_name:
            rng.random()
        return rng

    monkeypatch.setattr(module, "stream", stream)


def test_changing_the_comments_recipe_leaves_other_tables_alone(seed_5_files, monkeypatch):
    perturbed(comments, "comments", monkeypatch)
    changed = files_for(5)
    assert changed["05_community_seeding.sql"] != seed_5_files["05_community_seeding.sql"]
    for name in ("01_users_seeding.sql", "03_orders_seeding.sql", "04_executions_seeding.sql", "07_worker_seeding.sql"):
        assert changed[name] == seed_5_files[name], name


def test_changing_the_worker_recipe_leaves_platform_tables_alone(seed_5_files, monkeypatch):
    perturbed(workers, "worker_performance_logs", monkeypatch)
    changed = files_for(5)
    assert changed["07_worker_seeding.sql"] != seed_5_files["07_worker_seeding.sql"]
    for name in list(seed_5_files)[:6]:
        assert changed[name] == seed_5_files[name], name


def test_manifest_holds_seed_versions_counts_and_checksums(seed_5_files):
    dataset = generate.generate(5, 1)
    manifest = build_manifest(dataset, render_files(dataset))
    assert manifest["seed"] == 5 and manifest["versions"]["faker"]
    assert sum(manifest["row_counts"].values()) == manifest["total_rows"] >= 50_000
    assert len(manifest["files"]) == 7 and all(len(f["sha256"]) == 64 for f in manifest["files"].values())


def test_scale_1_volumes_are_exact():
    counts = generate.generate(3, 1).row_counts
    assert (counts["users"], counts["workflows"], counts["orders"], counts["executions"], counts["comments"],
            counts["ratings"]) == (1000, 200, 500, 10_000, 2000, 1500)
    assert all(counts[table] > 0 for table in counts)
