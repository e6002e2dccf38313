#!/usr/bin/env bash
# Generate the Phase 1 mock data (7 COPY files + manifest.json), optionally loading it:
#   scripts/generate-mock-data.sh --seed 42 --scale 1 --out out/mock-data [--database-url URL] [--force]
# A thin wrapper over `python -m masteryflow seed` (see docs/mock-data.md); uses .venv when present.
set -euo pipefail
cd "$(dirname "$0")/.."
python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
exec "$python" -m masteryflow seed "$@"
