#!/usr/bin/env bash
# Validate a seeded platform database: volumes, integrity, causality, ledger, business rules,
# scenario coverage and schema drift. Exit 0 when every check passes, 1 otherwise.
# Options are passed on: scripts/validate-mock-data.sh --database-url URL [--scale S] [--json] [--verbose]
set -euo pipefail
cd "$(dirname "$0")/.."
python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
exec "$python" -m masteryflow validate "$@"
