"""Databases holding generated mock data, for the validator's tests and the data features.

The generator is run the way its users run it (`python -m masteryflow seed`, in a subprocess),
into an empty database (it applies the schema itself); tests then clone that seeded database (a
file copy) to plant one defect each without seeding again.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from masteryflow import db

REPO_ROOT = Path(__file__).resolve().parents[2]


class SeedingFailed(RuntimeError):
    """The generator exited with an error; the message carries its output."""


def run_masteryflow(*arguments: str) -> subprocess.CompletedProcess:
    """`python -m masteryflow <arguments>` from the repository root, output captured as text."""
    return subprocess.run([sys.executable, "-m", "masteryflow", *arguments], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)


def generate_files(seed: int, scale: float, out_dir: Path, database_url: str | None = None) -> None:
    """The generator's SQL files in out_dir, loaded into database_url when given."""
    arguments = ["seed", "--seed", str(seed), "--scale", f"{scale:g}", "--out", str(out_dir), "--force"]
    if database_url:
        arguments += ["--database-url", database_url]
    finished = run_masteryflow(*arguments)
    if finished.returncode != 0:
        raise SeedingFailed(f"`python -m masteryflow {' '.join(arguments)}` exited {finished.returncode}:\n"
                            f"{finished.stdout}{finished.stderr}")


@dataclass
class SeededDatabases:
    """One seeded database per owner (a test session or a feature run), and its clones."""

    server_url: str
    prefix: str
    seed: int = 2026
    scale: float = 1.0

    def __post_init__(self) -> None:
        self.base = f"{self.prefix}_{os.getpid()}_base"
        self.url: str | None = None  # of the seeded base, once created
        self.clones = 0

    def create_base(self) -> str:
        """An empty database the generator migrates and loads (no shared template involved)."""
        self.drop_left_over()
        db.drop_database(self.server_url, self.base)
        url = db.create_database(self.server_url, self.base)
        try:
            with tempfile.TemporaryDirectory(prefix="mf-valid-seed-") as out_dir:
                generate_files(self.seed, self.scale, Path(out_dir), url)
        except SeedingFailed:
            self.drop_base()
            raise
        self.url = url
        return url

    def clone(self) -> tuple[str, str]:
        """A copy of the seeded database to damage: (name, url)."""
        self.clones += 1
        name = f"{self.prefix}_{os.getpid()}_{self.clones}"
        db.drop_database(self.server_url, name)
        return name, db.create_database(self.server_url, name, template=self.base)

    def drop(self, name: str) -> None:
        db.drop_database(self.server_url, name)

    def drop_base(self) -> None:
        db.drop_database(self.server_url, self.base)

    def drop_left_over(self) -> None:
        """Drop this prefix's databases whose owning process is gone (a run killed before its clean-up)."""
        with psycopg.connect(db.admin_url(self.server_url), autocommit=True) as admin:
            names = [row[0] for row in admin.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (self.prefix + "_",))]
        for name in names:
            owner = re.fullmatch(re.escape(self.prefix) + r"_(\d+)_(?:base|\d+)", name)
            if owner and not process_alive(int(owner.group(1))):
                db.drop_database(self.server_url, name)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def seeded_database(context):
    """Feature fixture: mock data generated once at scale 1 (context.mock_data), dropped after the feature."""
    databases = SeededDatabases(context.services.database_url, "mf_valid_feature")
    databases.create_base()
    context.mock_data = databases
    yield databases
    databases.drop_base()
