"""The validation as people read it (text) and as machines read it (JSON)."""

from __future__ import annotations

import json
from itertools import groupby

from masteryflow.validation import scenarios
from masteryflow.validation.findings import CheckResult
from masteryflow.validation.runner import Validation

INDENT = "    "


def as_json(validation: Validation) -> str:
    return json.dumps({
        "database": validation.database, "scale": validation.scale, "reference_schema": validation.reference,
        "passed": validation.passed, "seconds": round(validation.seconds, 3),
        "failed_checks": sum(not result.passed for result in validation.results),
        "checks": [result.as_dict() for result in validation.results],
    }, indent=2)


def failure_lines(result: CheckResult) -> list[str]:
    lines = []
    for finding in result.findings:
        if finding.passed or finding.skipped:
            continue
        lines.append(f"  FAIL {result.name}: {finding.message}")
        lines += [f"{INDENT}e.g. {example}" for example in finding.examples]
    return lines


def concern_lines(concern: str, results: list[CheckResult], verbose: bool) -> list[str]:
    failed = [result for result in results if not result.passed]
    lines = [f"{concern}: {len(results) - len(failed)} of {len(results)} checks pass"]
    for result in results:
        if not result.passed:
            lines += failure_lines(result)
        elif verbose:
            lines += [f"  ok   {finding.message}" for finding in result.findings]
    return lines


def coverage_line(results: list[CheckResult]) -> str:
    """'T1 612, T2 40, ...': each scenario's code and the number of histories found ('?' if not counted)."""
    counts = (("?" if result.findings[0].measured is None else result.findings[0].measured) for result in results)
    return "histories per scenario: " + ", ".join(f"{result.name.split()[0]} {count}"
                                                  for result, count in zip(results, counts))


def as_text(validation: Validation, verbose: bool = False) -> str:
    lines = [f"Validating {validation.database} at scale {validation.scale:g}",
             f"expected schema: {validation.reference}", ""]
    for concern, group in groupby(validation.results, key=lambda result: result.concern):
        results = list(group)
        lines += concern_lines(concern, results, verbose)
        if concern == scenarios.CONCERN:
            lines.append(coverage_line(results))
    failed = sum(not result.passed for result in validation.results)
    verdict = "PASSED" if validation.passed else f"FAILED ({failed} of {len(validation.results)} checks failed)"
    lines += ["", f"{verdict}: {len(validation.results)} checks in {validation.seconds:.2f} s"]
    return "\n".join(lines)
