"""What checks return (Finding), how they are declared (Check, CheckList) and ask the database (Probe)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import psycopg

EXAMPLES_SHOWN = 3


@dataclass(frozen=True)
class Finding:
    """One rule checked: whether it holds, said in plain words, with a few offending examples."""

    passed: bool
    message: str
    violations: int = 0
    examples: tuple[str, ...] = ()
    skipped: bool = False
    measured: int | None = None  # a number the check found worth reporting (e.g. scenario histories)

    def as_dict(self) -> dict:
        return {"passed": self.passed, "skipped": self.skipped, "message": self.message,
                "violations": self.violations, "examples": list(self.examples), "measured": self.measured}


@dataclass
class Probe:
    """A connection plus what checks need to know about the run (reference schema, scale)."""

    connection: psycopg.Connection
    scale: float
    expected: object = None  # catalog.Catalog of the reference schema, or None when unavailable

    def rows(self, query: str, params: tuple | dict = ()) -> list[tuple]:
        return self.connection.execute(query, params).fetchall()

    def value(self, query: str, params: tuple | dict = ()):
        return self.connection.execute(query, params).fetchone()[0]

    def violations(self, query: str, params: tuple | dict = ()) -> tuple[int, tuple[str, ...]]:
        """Run a query listing offending rows (one column: a sentence about the row); count them."""
        found = self.rows(f"SELECT example, count(*) OVER () FROM ({query}) AS offending (example) "
                          f"LIMIT {EXAMPLES_SHOWN}", params)
        return (found[0][1] if found else 0), tuple(str(row[0]) for row in found)


def rule(probe: Probe, query: str, *, holds: str, broken: str, params: tuple | dict = ()) -> Finding:
    """A rule whose violations a query lists: it holds when the query finds nothing.

    `holds` says the rule in plain words; `broken` says what was found, with {n} for the count.
    """
    count, examples = probe.violations(query, params)
    if count == 0:
        return Finding(True, holds)
    return Finding(False, broken.format(n=count), count, examples)


@dataclass(frozen=True)
class Check:
    """A named unit of work the runner schedules on one connection."""

    concern: str
    name: str
    run: Callable[[Probe], Finding | list[Finding]]


@dataclass
class CheckList:
    """The checks of one concern, declared with @checks.add on small named functions."""

    concern: str
    checks: list[Check] = field(default_factory=list)

    def add(self, function: Callable[[Probe], Finding | list[Finding]]):
        self.checks.append(Check(self.concern, function.__name__.replace("_", " "), function))
        return function


@dataclass(frozen=True)
class CheckResult:
    concern: str
    name: str
    findings: tuple[Finding, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        return all(f.passed or f.skipped for f in self.findings)

    def as_dict(self) -> dict:
        return {"concern": self.concern, "check": self.name, "passed": self.passed,
                "seconds": round(self.seconds, 4), "findings": [f.as_dict() for f in self.findings]}


def could_not_check(error: Exception) -> Finding:
    """A check whose query could not run (a missing table or column...) fails, explained."""
    text = str(error).strip()
    return Finding(False, f"could not be checked: {text.splitlines()[0] if text else type(error).__name__}")
