#!/usr/bin/env bash
# Production smoke test: a fresh virtual environment from requirements/production.txt alone (no test
# tools, no model wheel), Dateline installed as a package (not editable, so only what the wheel ships
# is there), then every `dateline` command against a temporary data folder with production settings.
# A command that fails stops the run with its name; scripts/test.sh (and so CI) runs this.
#
#   DATELINE_SHARED_DATA  the shared datasets (default ../shared/data): a WordPress export, a saved page,
#                         the Wikipedia On this day events
#   SMOKE_KEEP=1          keep the temporary folder (printed) for a look afterwards
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SHARED="${DATELINE_SHARED_DATA:-$ROOT/../shared/data}"
PYTHON="${PYTHON:-python3}"
started=$SECONDS

step="setting up"
fail() {
  echo "" >&2
  echo "SMOKE TEST FAILED during: $step" >&2
  echo "  (the production install from requirements/production.txt, in ${work:-?})" >&2
}
trap fail ERR

for needed in wordpress-wxr/theme-test-data/theme-preview.xml \
    news-html/newspaper4k-test-data/html/cnn_article.html onthisday-wikipedia-events/history.json; do
  if [ ! -f "$SHARED/$needed" ]; then
    echo "smoke: $SHARED/$needed not found (set DATELINE_SHARED_DATA)" >&2
    exit 1
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/dateline-smoke.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${SMOKE_KEEP:-0}" = 1 ]; then echo "smoke: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

run() {
  step="$*"
  echo "==> smoke: $*"
  "$@"
}

step="creating the production environment"
echo "==> smoke: fresh environment from requirements/production.txt in $work/venv"
"$PYTHON" -m venv "$work/venv"
pip() {
  "$work/venv/bin/python" -m pip "$@" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2 || true)
}
pip install --quiet --upgrade pip
pip install --quiet --require-hashes -r requirements/production.txt
# Build from a copy of the working tree, so the checkout gets no build/ folder.
mkdir "$work/src"
tar --exclude=./.venv --exclude=./build --exclude="./tools/*/node_modules" --exclude=./var \
  --exclude=./.git -cf - . | tar -xf - -C "$work/src"
pip install --quiet --no-deps "$work/src"
if "$work/venv/bin/python" -c "import pytest" 2>/dev/null; then
  echo "smoke: pytest is installed: the production set must not bring the test tools" >&2
  exit 1
fi

D="$work/venv/bin/dateline"
cd "$work"  # nothing from the checkout on the path: only the installed package
export DATELINE_DATA_DIR="$work/data"
export DATELINE_RELATED_MODE=lexical
unset DATABASE_URL REDIS_URL CACHE_URL DJANGO_SETTINGS_MODULE
mkdir -p "$DATELINE_DATA_DIR"

# The demo forces its own (development) settings; everything after it runs as production does.
run "$D" demo --no-serve
export DJANGO_SETTINGS_MODULE=dateline.settings.production
export SECRET_KEY="smoke-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false

run "$D" manage check
run "$D" migrate --noinput
run "$D" collectstatic --noinput --verbosity 0
run "$D" import wordpress "$SHARED/wordpress-wxr/theme-test-data/theme-preview.xml" --commit
run "$D" import html "$SHARED/news-html/newspaper4k-test-data/html/cnn_article.html" \
  --section Archive --commit
run "$D" almanac import "$SHARED/onthisday-wikipedia-events/history.json" --reviewed

step="dateline check"
echo "==> smoke: dateline check --format json"
# Exit status 1 means the report found editorial errors (the theme test data has some); 2+ is a crash.
status=0
"$D" check --format json >"$work/check.json" || status=$?
[ "$status" -le 1 ] || { echo "smoke: dateline check exited $status" >&2; false; }
"$work/venv/bin/python" -c "import json, sys; json.load(open(sys.argv[1]))" "$work/check.json"

run "$D" related rebuild
printf 'text1,text2\n"Harbour cranes unload timber","Timber cargo at the harbour"\n"A comet over the hills","Council budget vote"\n' \
  >"$work/pairs.csv"
run "$D" related score "$work/pairs.csv" --output "$work/scored.csv"
grep -qi score "$work/scored.csv" || { echo "smoke: related score wrote no score column" >&2; false; }
run "$D" search rebuild
step="dateline roles_table"
echo "==> smoke: dateline roles_table"
"$D" roles_table >"$work/roles.md"
grep -q "| Reporter |" "$work/roles.md" || { echo "smoke: roles_table printed no roles" >&2; false; }
run "$D" publish_scheduled
run "$D" worker --batch
run env DATELINE_STATIC_PAGES_DIR="$work/static-pages" "$D" cache nginx >/dev/null

step="dateline serve"
port="$("$work/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "==> smoke: dateline serve on 127.0.0.1:$port"
"$D" serve --host 127.0.0.1 --port "$port" --workers 1 >"$work/serve.log" 2>&1 &
server_pid=$!
ok=0
for _ in $(seq 1 60); do
  code="$("$work/venv/bin/python" -c 'import sys, urllib.request
try: print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except Exception as error: print(getattr(error, "code", error))' "http://127.0.0.1:$port/")"
  if [ "$code" = 200 ]; then ok=1; break; fi
  sleep 0.5
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
if [ "$ok" != 1 ]; then
  echo "smoke: the front page did not answer 200 (last: $code); server log:" >&2
  tail -20 "$work/serve.log" >&2
  false
fi

count_stories='from dateline.newsroom.models import ArticlePage; print(ArticlePage.objects.count())'
before="$("$D" shell --no-imports -c "$count_stories" | tail -1)"
run "$D" backup "$work/site.tar.gz"
export DATELINE_DATA_DIR="$work/restored"
mkdir -p "$DATELINE_DATA_DIR"
run "$D" restore "$work/site.tar.gz"
after="$("$D" shell --no-imports -c "$count_stories" | tail -1)"
step="comparing the restored site"
if ! [ "$before" -ge 50 ] 2>/dev/null || [ "$before" != "$after" ]; then
  echo "smoke: $before stories before the backup, $after after the restore" >&2
  false
fi
run "$D" search rebuild

trap - ERR
echo "smoke: every command ran from the production install ($before stories; $((SECONDS - started)) s)"
