#!/usr/bin/env bash
# Install everything from the lock, lint, run the production smoke test, then the whole test suite on
# SQLite and again on PostgreSQL.
#
#   TEST_POSTGRES_URL   PostgreSQL to test on (default postgres://postgres@127.0.0.1:5432/test)
#   TEST_DATABASES      "sqlite postgres" (default), or just one of them
#   extra arguments     passed to pytest, e.g. scripts/test.sh -k editor
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"

# Browser tests drive Debian's Chromium; install it when we can (as root), never a downloaded build.
if ! command -v "${DATELINE_CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing Debian's chromium for the browser tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "==> chromium not found: browser tests will be skipped (install Debian's chromium to run them)"
  fi
fi

# The distribution tests validate pages with the Nu HTML Checker: vnu.jar from npm (tools/vnu), run on
# the machine's Java. Both are installed when we can; the test skips without them (fails under CI=true).
if ! command -v java >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing Debian's Java runtime for the HTML checker"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing Debian's npm for the HTML checker and axe-core"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
if command -v npm >/dev/null 2>&1 && [ ! -f tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "==> Installing the Nu HTML Checker (npm ci in tools/vnu)"
  npm ci --prefix tools/vnu --ignore-scripts --no-audit --no-fund >/dev/null
fi
# The browser tests (dateline/tests/browser) inject axe-core from npm (tools/axe) into each page; they
# skip without it, except under CI=true.
if command -v npm >/dev/null 2>&1 && [ ! -f tools/axe/node_modules/axe-core/axe.min.js ]; then
  echo "==> Installing axe-core for the browser tests (npm ci in tools/axe)"
  npm ci --prefix tools/axe --ignore-scripts --no-audit --no-fund >/dev/null
fi

export DJANGO_SETTINGS_MODULE=dateline.settings.test
export DATABASE_URL="sqlite:///:memory:"  # the checks below need no data
echo "==> ruff check (security rules S included)"; "$VENV/bin/ruff" check .
echo "==> ruff format --check";  "$VENV/bin/ruff" format --check .
echo "==> manage.py check";      "$PY" manage.py check
echo "==> makemigrations --check"; "$PY" manage.py makemigrations --check --dry-run
echo "==> lint-imports (architecture contracts, pyproject.toml)"; "$VENV/bin/lint-imports"
echo "==> mypy";                 "$VENV/bin/mypy" dateline
# Known vulnerabilities in the production lock; skipped with a message when the vulnerability service
# cannot be reached (docs/security.md), so a network failure never fails this command.
echo "==> pip-audit (requirements/production.txt)"; ./scripts/audit.sh

# A fresh environment from requirements/production.txt alone, and every `dateline` command in it
# (DATELINE_SMOKE=0 skips it locally; CI always runs it).
if [ "${DATELINE_SMOKE:-1}" != 0 ] || [ "${CI:-}" = true ]; then
  echo "==> production smoke test (scripts/smoke.sh)"
  ./scripts/smoke.sh
fi

status=0
for database in ${TEST_DATABASES:-sqlite postgres}; do
  case "$database" in
    sqlite)   url="sqlite:///:memory:" ;;
    postgres) url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}" ;;
    *) echo "unknown database in TEST_DATABASES: $database" >&2; exit 2 ;;
  esac
  echo "==> pytest on $database"
  DATABASE_URL="$url" "$VENV/bin/pytest" -p no:cacheprovider "$@" || status=$?
  [ "$status" = 0 ] || break
done
exit "$status"
