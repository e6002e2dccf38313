"""Loading into real PostgreSQL: one transaction, the safety guard, clear refusals, nothing changed."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from masteryflow import db
from masteryflow.config import platform_database_url
from masteryflow.seeding import command, render

SERVER = platform_database_url()


def seed(*arguments: str) -> int:
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    args = parser.parse_args(["seed", "--quiet", *arguments])
    return args.handler(args)


@pytest.fixture
def database():
    name = f"mf_seed_test_{os.getpid()}"
    db.drop_database(SERVER, name)
    url = db.create_database(SERVER, name)
    yield url
    db.drop_database(SERVER, name)


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("users", "executions", "activities", "worker_performance_logs")}


def test_loads_an_empty_database_and_records_the_load(database, tmp_path):
    assert seed("--seed", "11", "--out", str(tmp_path), "--database-url", database) == 0
    loaded = counts(database)
    assert loaded["users"] == 1000 and loaded["executions"] == 10_000
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT seed FROM meta.seed_loads").fetchall() == [(11,)]
        next_user = conn.execute("INSERT INTO users (email, display_name, country) VALUES ('new@example.com', 'N', 'DE') "
                                 "RETURNING id").fetchone()[0]
        assert next_user == 1001  # identity sequences continue after the seeded ids


@pytest.mark.skipif(not (Path(__file__).parent.parent / "masteryflow/validation/command.py").exists(),
                    reason="python -m masteryflow validate is not built yet")
def test_seeded_database_passes_every_validation_check(database, tmp_path):
    assert seed("--seed", "21", "--scale", "1.5", "--out", str(tmp_path), "--database-url", database) == 0
    checked = subprocess.run([sys.executable, "-m", "masteryflow", "validate", "--database-url", database, "--scale", "1.5"],
                             capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-2000:]


def test_reseeding_its_own_data_replaces_it(database, tmp_path):
    assert seed("--seed", "11", "--out", str(tmp_path), "--database-url", database) == 0
    assert seed("--seed", "12", "--out", str(tmp_path), "--database-url", database) == 0
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT seed FROM meta.seed_loads ORDER BY id").fetchall() == [(11,), (12,)]
    assert counts(database)["users"] == 1000


def test_refuses_a_database_holding_foreign_data(database, tmp_path, capsys):
    db.apply_migrations(database)
    with psycopg.connect(database) as conn:
        conn.execute("INSERT INTO users (email, display_name, country) VALUES ('real@customer.com', 'Real', 'FR')")
    assert seed("--out", str(tmp_path), "--database-url", database) == command.EXIT_REFUSED
    assert "did not create" in capsys.readouterr().err
    assert counts(database)["users"] == 1


def test_refuses_production_looking_names_and_remote_hosts(tmp_path, capsys):
    prod = db.with_database(SERVER, "masteryflow_production")
    assert seed("--out", str(tmp_path), "--database-url", prod) == command.EXIT_REFUSED
    remote = "postgresql://postgres@db.example.com:5432/mf_seed_scratch"
    assert seed("--out", str(tmp_path), "--database-url", remote) == command.EXIT_REFUSED
    assert "--force" in capsys.readouterr().err


def test_unreachable_database_answers_within_seconds(tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    started = time.monotonic()
    code = seed("--out", str(tmp_path), "--database-url", f"postgresql://postgres@127.0.0.1:{free_port}/mf_seed_none")
    assert code == command.EXIT_UNREACHABLE and time.monotonic() - started < 10
    assert "cannot connect" in capsys.readouterr().err


def test_bad_scale_and_unwritable_output_are_clear_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        seed("--scale", "0", "--out", str(tmp_path))
    assert exit_info.value.code == 2 and "scale must be between" in capsys.readouterr().err
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert seed("--out", str(blocker / "out")) == command.EXIT_BAD_INPUT
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("table, part, good, bad", [
    ("ratings", 1, b"\t5\t", b"\t6\t"),                  # six stars: the check constraint rejects it
    ("executions", 3, b"\tsuccess\t", b"\tsucceeded\t"),  # a later part, after the first ones went in
])
def test_a_rejected_load_changes_nothing(table, part, good, bad, database, tmp_path, monkeypatch):
    assert seed("--seed", "11", "--out", str(tmp_path / "good"), "--database-url", database) == 0
    before = counts(database)
    original, parts_made = render.copy_block, []

    def with_a_broken_row(copied_table, rows, final=True):
        block = original(copied_table, rows, final)
        if copied_table == table:
            parts_made.append(block)
            if len(parts_made) == part:
                block = replace(block, data=block.data.replace(good, bad, 1))
        return block

    monkeypatch.setattr("masteryflow.seeding.generate.copy_block", with_a_broken_row)
    monkeypatch.setattr("masteryflow.seeding.outcomes.PART_ROWS", 1000)
    assert seed("--seed", "12", "--out", str(tmp_path / "bad"), "--database-url", database) == command.EXIT_LOAD_FAILED
    assert len(parts_made) >= part
    assert counts(database) == before
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT seed FROM meta.seed_loads").fetchall() == [(11,)]
        assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'executions_workflow_idx'").fetchone()[0] == 1
