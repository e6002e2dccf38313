"""Scenario coverage: each of the 22 business scenarios must be present as at least 2 real histories.

A scenario is a SQL query listing one row per history that shows it (first column: a short label);
what a history is, in words, sits next to the query (docs/validation.md repeats it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from masteryflow.validation.findings import Check, Finding, Probe
from masteryflow.validation.scenario_histories import HISTORIES

CONCERN = "scenarios"
MINIMUM_HISTORIES = 2


@dataclass(frozen=True)
class Scenario:
    code: str
    title: str
    history: str  # what one history of the scenario looks like in the data, in plain words
    query: str


SCENARIOS = tuple(Scenario(*entry) for entry in HISTORIES)


def scenario_is_covered(scenario: Scenario, probe: Probe) -> Finding:
    count, examples = probe.violations(scenario.query)
    found = f"{count} histor{'y' if count == 1 else 'ies'}"
    if count >= MINIMUM_HISTORIES:
        return Finding(True, found, 0, examples, measured=count)
    return Finding(False, f"{found}, expected at least {MINIMUM_HISTORIES} of: {scenario.history}", 1, examples,
                   measured=count)


def checks() -> list[Check]:
    return [Check(CONCERN, f"{scenario.code} {scenario.title}", partial(scenario_is_covered, scenario))
            for scenario in SCENARIOS]
