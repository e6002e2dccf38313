"""manifest.json: what was generated (seed, scale, versions), how much, and a checksum per file."""

from __future__ import annotations

import hashlib
import json
import platform

import faker

import masteryflow
from masteryflow.seeding.clock import AS_OF, ts
from masteryflow.seeding.generate import Dataset


def versions() -> dict[str, str]:
    return {"python": platform.python_version(), "faker": faker.VERSION, "masteryflow": masteryflow.__version__}


def build_manifest(dataset: Dataset, contents: dict[str, bytes]) -> dict:
    counts = dataset.row_counts
    return {
        "generator": "python -m masteryflow seed",
        "seed": dataset.seed,
        "scale": dataset.scale,
        "as_of": ts(AS_OF),
        "versions": versions(),
        "total_rows": sum(counts.values()),
        "row_counts": counts,
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in contents.items()},
        "scenarios": dataset.scenarios,
    }


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=2) + "\n"
