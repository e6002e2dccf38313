#!/usr/bin/env bash
# The whole test suite: unit tests (pytest) and the acceptance specification (behave).
# Installs what it needs (Python packages, Node 24 + pinned n8n, docker-compose for validating
# the compose files), starts embedded PostgreSQL/Redis when none answer on the default ports,
# and fails when any test fails or none ran.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh || exit 1
scripts/ensure-tools.sh || exit 1
.venv/bin/python -m masteryflow worker setup --native || exit 1

embedded_pid=""
stop_embedded() { [ -n "$embedded_pid" ] && kill "$embedded_pid" 2>/dev/null && wait "$embedded_pid" 2>/dev/null; }
trap stop_embedded EXIT
if ! .venv/bin/python -c "from masteryflow import services as s; raise SystemExit(not (s.postgres_answers(s.LOCAL_DATABASE_URL) and s.redis_answers(s.LOCAL_REDIS_URL)))"; then
    echo "test: no PostgreSQL/Redis on the default ports; starting embedded ones" >&2
    .venv/bin/python -m masteryflow.embedded > reports/embedded.log 2>&1 &
    embedded_pid=$!
    for _ in $(seq 60); do grep -q '^ready' reports/embedded.log 2>/dev/null && break; sleep 1; done
    grep '^ready' reports/embedded.log >&2 || { echo "test: embedded services did not start" >&2; cat reports/embedded.log >&2; exit 1; }
fi

rm -rf reports/junit reports/*.html reports/pytest.xml
failed=0
.venv/bin/python -m pytest tests/ -q -p no:cacheprovider --junitxml=reports/pytest.xml || failed=1
.venv/bin/behave features/ -f progress -o - -f html-pretty -o reports/acceptance.html || failed=1
.venv/bin/python scripts/summarize_reports.py reports || failed=1
exit $failed
