"""Reading a .env file (compose's format: NAME=value lines, # comments, optional quotes).

A malformed line is named by its number only: its content may hold a secret.
"""

from __future__ import annotations

import re
from pathlib import Path

from masteryflow.config import ConfigError

ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def read_env_file(path: Path) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as unreadable:
        raise ConfigError(f"cannot read {path}: {unreadable.__class__.__name__}; "
                          "run `python -m masteryflow worker setup` to write it") from None
    values, bad_lines = {}, []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = ASSIGNMENT.match(stripped)
        if match is None:
            bad_lines.append(number)
            continue
        values[match.group(1)] = unquote(match.group(2).strip())
    if bad_lines:
        raise ConfigError(f"{path}: line(s) {', '.join(map(str, bad_lines))} are not NAME=value "
                          "(content not shown: it may hold a secret); compare with compose/.env.example")
    return values


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
