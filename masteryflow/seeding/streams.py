"""Independent random streams: one per table (group), derived from the seed and the stream's name.

Changing how one recipe draws values never shifts the values another recipe draws.
"""

from __future__ import annotations

import hashlib
import random


def stream(seed: int, name: str) -> random.Random:
    return random.Random(stream_seed(seed, name))


def stream_seed(seed: int, name: str) -> int:
    digest = hashlib.sha256(f"masteryflow-seed:{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")

