#!/usr/bin/env bash
# Install Dateline, prepare the demo database with sample content, and serve it on 127.0.0.1:8000.
# Arguments go to `dateline demo` (e.g. --port 8080, --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
exec "${VENV:-.venv}/bin/dateline" demo "$@"
