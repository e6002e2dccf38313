"""What a resilience scenario measured: printed, attached to the HTML report, appended to
reports/resilience.jsonl (docs/reliability.md quotes these figures)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from masteryflow.testing.commands import REPO_ROOT

MEASURES_FILE = REPO_ROOT / "reports" / "resilience.jsonl"


def publish_measure(context, text: str) -> None:
    print(f"measured: {text}", file=sys.stderr, flush=True)
    runner = getattr(context, "_runner", None)
    for formatter in getattr(runner, "formatters", []):
        if hasattr(formatter, "embed"):  # the HTML formatter shows it under the step
            formatter.embed("text/plain", text, caption="measured")
    scenario = getattr(context, "scenario", None)
    Path(MEASURES_FILE).parent.mkdir(parents=True, exist_ok=True)
    with open(MEASURES_FILE, "a") as measures:
        measures.write(json.dumps({"scenario": getattr(scenario, "name", "?"), "measured": text,
                                   "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}) + "\n")
