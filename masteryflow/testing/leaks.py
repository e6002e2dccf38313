"""Looking for secret values where they must never be: command output, logs, reports, SQL files."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

MAX_FILE_BYTES = 50_000_000


@dataclass(frozen=True)
class Leak:
    where: str       # a file path or the name of an output stream
    secret_name: str  # the secret's name, never its value

    def __str__(self) -> str:
        return f"{self.secret_name} appears in {self.where}"


def forms_of(value: str) -> set[bytes]:
    """The ways a secret can show up in text: as is, URL-encoded, base64."""
    raw = value.encode()
    return {raw, quote(value, safe="").encode(), base64.b64encode(raw).rstrip(b"=")}


def leaks_in_text(where: str, text: str | bytes, secrets: dict[str, str]) -> list[Leak]:
    content = text.encode() if isinstance(text, str) else text
    return [Leak(where, name) for name, value in secrets.items()
            if any(form in content for form in forms_of(value))]


def leaks_in_paths(paths, secrets: dict[str, str]) -> list[Leak]:
    """Every file under the given files/directories that contains any form of any secret."""
    found = []
    for path in _files(paths):
        if path.stat().st_size <= MAX_FILE_BYTES:
            found += leaks_in_text(str(path), path.read_bytes(), secrets)
    return found


def files_under(paths) -> list[Path]:
    return list(_files(paths))


def _files(paths):
    for path in map(Path, paths):
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (child for child in sorted(path.rglob("*")) if child.is_file())
