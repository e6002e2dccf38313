#!/usr/bin/env bash
# The whole test suite: unit tests (pytest) and the acceptance specification (behave).
# Installs what it needs (Python packages, Node 24 + pinned n8n, docker-compose for validating
# the compose files) and fails when any test fails or none ran.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh || exit 1
scripts/ensure-tools.sh || exit 1
.venv/bin/python -m masteryflow worker setup || exit 1

rm -rf reports/junit reports/*.html reports/*.xml
failed=0
.venv/bin/python -m pytest tests/ -q -p no:cacheprovider --junitxml=reports/pytest.xml || failed=1
.venv/bin/behave features/ --format progress --no-capture-stderr || failed=1
.venv/bin/python scripts/summarize_reports.py reports || failed=1
exit $failed
