#!/usr/bin/env bash
# The main job: generate the mock data, load it into PostgreSQL and validate it.
# Options are passed on: scripts/quickstart.sh --seed 7 --scale 2
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python -m masteryflow quickstart "$@"
