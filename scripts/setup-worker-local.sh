#!/usr/bin/env bash
# Prepare this machine for the local n8n worker (idempotent): with a Docker engine, write
# compose/.env from the environment; without one (or with --native), install n8n natively.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m masteryflow worker setup "$@"
