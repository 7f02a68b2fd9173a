#!/usr/bin/env bash
# Query counts and uncached render times of the hot pages on archives of several sizes, in one run.
#
#   bench/query_budget.sh                 # SIZES="0 10000 100000" by default
#   SIZES="0 100000" RUN=/tmp/qb bench/query_budget.sh
#
# For each size: a fresh SQLite database under $RUN/<size>, the demo content, then <size> more live
# articles with the shared peers' texts (bench/seed_archive.py, bulk inserts), then
# bench/query_budget.py. The goal (issue #8): the same number of queries whatever the size.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
RUN=${RUN:-/tmp/dateline-query-budget}
SIZES=${SIZES:-0 10000 100000}
RENDERS=${RENDERS:-30}
SHARED=${DATELINE_SHARED:-$REPO/../shared}
./scripts/bootstrap.sh >/dev/null
export DJANGO_SETTINGS_MODULE=dateline.settings.production ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export SECRET_KEY=${SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}
mkdir -p "$RUN"
for size in $SIZES; do
  export DATELINE_DATA_DIR="$RUN/$size"
  mkdir -p "$DATELINE_DATA_DIR"
  .venv/bin/dateline migrate --verbosity 0
  .venv/bin/dateline demo_load >/dev/null
  .venv/bin/dateline collectstatic --noinput --verbosity 0
  if [[ $size -gt 0 ]]; then
    [[ -f $RUN/articles-$size.jsonl ]] || python3 "$SHARED/tools/peers/articles.py" "$size" >"$RUN/articles-$size.jsonl"
    .venv/bin/python bench/seed_archive.py "$RUN/articles-$size.jsonl" 2>/dev/null | tail -1
  fi
  .venv/bin/python bench/query_budget.py --renders "$RENDERS"
done
