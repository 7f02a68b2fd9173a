#!/usr/bin/env bash
# Uncached article renders under granian (as `dateline serve` runs it, and with one thread per
# worker) and under gunicorn's sync workers, beside the bare Wagtail peer on gunicorn, in one run.
#
#   RUN=/tmp/dateline-bench bench/servers.sh
#
# Needs the state bench/http.sh leaves in RUN (the Dateline data folder and secret key, the peers).
# gunicorn is not a Dateline dependency: it is installed into RUN/gunicorn-lib for this comparison.
# Ports 8161-8163 and the peer's 8154; medians of ROUNDS interleaved rounds (the peers' measure.sh).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BENCH=${RUN:-/tmp/dateline-bench}
export PEERS="$BENCH/peers" RUN="$BENCH/peers/run"   # the peers' common.sh uses RUN for its own folder
source "$PEERS/common.sh"
ARTICLE=/china-news/china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts/
[[ -d $BENCH/gunicorn-lib/gunicorn ]] ||
  "$REPO/.venv/bin/python" -m pip install -q --target "$BENCH/gunicorn-lib" gunicorn
export DATELINE_DATA_DIR="$BENCH/dateline" DJANGO_SETTINGS_MODULE=dateline.settings.production
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export DATELINE_STATIC_PAGES_DIR="$BENCH/dateline/published" DATELINE_PAGE_CACHE=0
export SECRET_KEY; SECRET_KEY=$(cat "$BENCH/secret_key")
trap 'for n in gunicorn srv-granian srv-granian1 srv-gunicorn; do stop_one $n; done' EXIT
start_bg gunicorn env DJANGO_SETTINGS_MODULE=benchsite.settings.production \
  "$PEERS/.venv/bin/gunicorn" --chdir "$RUN/wagtail-site" --workers 2 --bind 127.0.0.1:8154 benchsite.wsgi
start_bg srv-granian "$REPO/.venv/bin/dateline" serve --host 127.0.0.1 --port 8161
DATELINE_SERVER_THREADS=1 start_bg srv-granian1 "$REPO/.venv/bin/dateline" serve --host 127.0.0.1 --port 8162
start_bg srv-gunicorn env PYTHONPATH="$BENCH/gunicorn-lib" "$REPO/.venv/bin/python" -m gunicorn \
  --chdir "$REPO" --workers 2 --bind 127.0.0.1:8163 dateline.cache.wsgi:application
for url in "$(cat "$RUN/wagtail-page-url")" "http://127.0.0.1:8161$ARTICLE" \
           "http://127.0.0.1:8162$ARTICLE" "http://127.0.0.1:8163$ARTICLE"; do
  wait_http "$url" 60
done
"$PEERS/measure.sh" "wagtail-gunicorn=$(cat "$RUN/wagtail-page-url")" \
  "dl-granian-4t=http://127.0.0.1:8161$ARTICLE" "dl-granian-1t=http://127.0.0.1:8162$ARTICLE" \
  "dl-gunicorn=http://127.0.0.1:8163$ARTICLE"
