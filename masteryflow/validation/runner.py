"""Running the checks: reach the database, make sure it is a MasteryFlow one, read the reference
schema, then run every check over a few connections at once (one query per check, set-based)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg

from masteryflow import db
from masteryflow.config import mask_url
from masteryflow.validation import (account_rules, activity_feed, causality, community_rules, drift, execution_rules,
                                    integrity, ledger, scenarios, volumes)
from masteryflow.validation.catalog import Catalog, read_catalog
from masteryflow.validation.findings import Check, CheckResult, Probe, could_not_check

CONNECT_TIMEOUT_SECONDS = 5
PARALLEL_CONNECTIONS = 4
REFERENCE_PREFIX = "mf_valid_reference"


class CannotValidate(RuntimeError):
    """The database cannot be validated at all (unreachable, not a MasteryFlow database)."""


@dataclass(frozen=True)
class Validation:
    database: str
    scale: float
    reference: str  # where the expected schema came from
    results: tuple[CheckResult, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    def failures(self, selected=lambda result: True) -> dict[str, list[str]]:
        """Check name -> each failing finding's message and examples, for the checks `selected` picks."""
        return {result.name: [" ".join([finding.message, *finding.examples]) for finding in result.findings
                              if not (finding.passed or finding.skipped)]
                for result in self.results if selected(result) and not result.passed}


def connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    except psycopg.OperationalError as problem:
        reason = " ".join(line.strip() for line in str(problem).splitlines() if line.strip())
        raise CannotValidate(f"cannot reach the database {mask_url(url)}: {reason}") from None


def require_masteryflow(connection: psycopg.Connection, url: str) -> None:
    migrated, users = connection.execute(
        "SELECT to_regclass('meta.schema_migrations') IS NOT NULL, to_regclass('public.users') IS NOT NULL").fetchone()
    if not (migrated and users):
        raise CannotValidate(f"{mask_url(url)} is not a MasteryFlow database (it has no "
                             f"{'migration record' if not migrated else 'users table'}); "
                             "seed one with `python -m masteryflow seed` or point --database-url elsewhere")


def reference_schema(url: str) -> tuple[Catalog | None, str]:
    """The catalog of a fresh migration of schema/, kept on the same server as a database named after
    the schema's fingerprint (built once per schema version, like the test suite's template, but its own)."""
    try:
        template = db.ensure_template(url, prefix=REFERENCE_PREFIX)
        with psycopg.connect(db.with_database(url, template), connect_timeout=CONNECT_TIMEOUT_SECONDS) as reference:
            return read_catalog(reference), f"fresh migration of schema/ (database {template})"
    except (psycopg.Error, db.MigrationError) as problem:
        first_line = str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
        return None, f"unavailable ({first_line}); keys taken from the live schema, drift not compared"


def all_checks(keys: Catalog) -> list[Check]:
    return (volumes.checks.checks + drift.checks() + integrity.checks(keys) + causality.checks()
            + ledger.checks.checks + account_rules.checks.checks + execution_rules.checks.checks
            + community_rules.checks.checks + activity_feed.checks.checks + scenarios.checks())


class ConnectionPerThread:
    def __init__(self, url: str):
        self.url, self.local, self.opened = url, threading.local(), []
        self.lock = threading.Lock()

    def get(self) -> psycopg.Connection:
        if not hasattr(self.local, "connection"):
            self.local.connection = connect(self.url)
            with self.lock:
                self.opened.append(self.local.connection)
        return self.local.connection

    def close(self) -> None:
        for connection in self.opened:
            connection.close()


def run_check(check: Check, connections: ConnectionPerThread, scale: float, expected: Catalog | None) -> CheckResult:
    started = time.perf_counter()
    probe = Probe(connections.get(), scale, expected)
    try:
        outcome = check.run(probe)
        findings = tuple(outcome) if isinstance(outcome, list) else (outcome,)
    except psycopg.Error as problem:
        findings = (could_not_check(problem),)
    return CheckResult(check.concern, check.name, findings, time.perf_counter() - started)


def validate(url: str, scale: float | None = None, workers: int = PARALLEL_CONNECTIONS) -> Validation:
    started = time.perf_counter()
    with connect(url) as first:
        require_masteryflow(first, url)
        scale = scale or volumes.infer_scale(Probe(first, 1.0))
        expected, reference = reference_schema(url)
        keys = expected or read_catalog(first)
    connections = ConnectionPerThread(url)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda check: run_check(check, connections, scale, expected), all_checks(keys)))
    finally:
        connections.close()
    return Validation(mask_url(url), scale, reference, tuple(results), time.perf_counter() - started)
