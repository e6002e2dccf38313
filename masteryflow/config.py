"""Settings from the environment: n8n's own variable names plus MASTERYFLOW_* for the platform."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/masteryflow"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


def platform_database_url(environ: dict | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get("MASTERYFLOW_DATABASE_URL") or DEFAULT_DATABASE_URL


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "")
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))
