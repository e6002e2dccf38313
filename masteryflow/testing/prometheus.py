"""Reading Prometheus text exposition back into numbers (for the health features)."""

from __future__ import annotations


def parse_metrics(text: str) -> dict[str, float]:
    """{'name{labels}': value} for every sample line; comments skipped."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples
