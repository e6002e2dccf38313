#!/usr/bin/env bash
# System tools the tests use that are not Python packages: Debian's docker-compose validates the
# compose files without a Docker engine.
set -euo pipefail
if ! command -v docker-compose >/dev/null 2>&1; then
    echo "ensure-tools: installing docker-compose (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq docker-compose >/dev/null
fi
