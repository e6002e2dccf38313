"""`worker setup`: prepare this machine to run the local worker side. Idempotent.

With a Docker engine: write compose/.env from compose/.env.example, taking every value that is
set in the environment (secrets only ever come from there), mode 600, never committed.
Without one (or with --native): install n8n natively from the committed lockfile.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from masteryflow.worker import runtime

COMPOSE_DIR = runtime.REPO_ROOT / "compose"
REQUIRED_FOR_COMPOSE = ("DB_POSTGRESDB_HOST", "DB_POSTGRESDB_USER", "DB_POSTGRESDB_PASSWORD",
                        "QUEUE_BULL_REDIS_HOST", "N8N_ENCRYPTION_KEY", "WEBHOOK_URL", "MASTERYFLOW_DATABASE_URL")


def docker_engine_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # no engine, no socket, no permission: all mean "use the native runtime"
        return False


def render_env(template: str, environ) -> tuple[str, list[str]]:
    """The template with each NAME=value line taking the environment's value; and what is still empty
    among the required settings."""
    lines, missing = [], []
    for line in template.splitlines():
        name, separator, default = line.partition("=")
        if not separator or line.lstrip().startswith("#"):
            lines.append(line)
            continue
        value = environ.get(name.strip(), default)
        if name.strip() in REQUIRED_FOR_COMPOSE and not value:
            missing.append(name.strip())
        lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n", missing


def write_compose_env(environ=os.environ, compose_dir: Path = COMPOSE_DIR) -> int:
    content, missing = render_env((compose_dir / ".env.example").read_text(), environ)
    target = compose_dir / ".env"
    if target.exists() and target.read_text() == content:
        print(f"{target}: unchanged")
    else:
        target.touch(mode=0o600)
        target.chmod(0o600)
        target.write_text(content)
        print(f"{target}: written (mode 600, ignored by git)")
    if missing:
        print("still empty, set them in the environment and run setup again: " + ", ".join(missing),
              file=sys.stderr)
        return 1
    print("start: docker-compose --env-file compose/.env -f compose/docker-compose.worker.yml up -d")
    return 0


def run(force_native: bool = False) -> int:
    if not force_native and docker_engine_answers():
        print("Docker engine found: configuring the compose deployment")
        return write_compose_env()
    print("no Docker engine (or --native): installing n8n natively")
    return runtime.main()
