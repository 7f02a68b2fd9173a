#!/usr/bin/env bash
# HTTP benchmark of Dateline's page cache against static nginx, WordPress 6.1 and bare Wagtail.
#
#   sudo bench/http.sh            (root: installs Debian's nginx, wrk, wordpress, php-fpm when missing)
#
# Everything listens on 127.0.0.1, ports 8152-8158 (override with the variables below); wrk runs
# are time-bounded and interleaved (the shared peers' measure.sh: medians of ROUNDS rounds, ratios
# to the first target, static nginx). Steps:
#   1. peers: WordPress (bench/setup-wordpress.sh, N_ARTICLES posts, the MariaDB on :3306) and bare
#      Wagtail (the shared setup-wagtail.sh), from a copy of /work/shared/tools/peers;
#   2. a Dateline site: the demo plus an archive of N_ARTICLES stories (bench/seed_archive.py, bulk
#      inserts of the same texts WordPress gets), production settings, collectstatic;
#   3. servers: `dateline serve` with the page cache and static publishing, the nginx front from
#      `dateline cache nginx`, a second `dateline serve` with the cache off (uncached renders), and
#      nginx serving the reference article's HTML, saved from Dateline, as a static file;
#   4. measure.sh over: static, cached (serve alone), front (nginx + static publishing), uncached
#      (and uncached without the interim On this day block), WordPress single post, bare Wagtail
#      page; then bench/publish_visible.py;
#   5. stop everything it started, by recorded pid.
# Variables: RUN (state folder, default /tmp/dateline-bench), N_ARTICLES (10000), WAGTAIL_ARTICLES
# (2000), DURATION (10 s), ROUNDS (3), SKIP_WORDPRESS=1, SKIP_WAGTAIL=1, PUBLISH_ROUNDS (20),
# SHARED_PEERS (the peers' scripts, default ../shared/tools/peers beside the checkout).
# Needs, besides what it installs itself: root (apt-get), Dateline's .venv (`make install`), the
# shared peers' scripts (SHARED_PEERS), the package index (the Wagtail peer builds its own
# virtualenv) and, for WordPress, MariaDB listening on 127.0.0.1:3306 as root without a password
# (SKIP_WORDPRESS=1 measures without it). It stops with a message when one is missing.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BENCH=${RUN:-/tmp/dateline-bench}   # the peers' common.sh reuses the name RUN for its own folder
SHARED_PEERS=${SHARED_PEERS:-$REPO/../shared/tools/peers}
[[ -d $SHARED_PEERS ]] || { echo "bench/http.sh: the shared peers' scripts are not at $SHARED_PEERS (set SHARED_PEERS)" >&2; exit 1; }
[[ -x $REPO/.venv/bin/dateline ]] || { echo "bench/http.sh: no .venv in $REPO: run make install first" >&2; exit 1; }
if [[ ${SKIP_WORDPRESS:-0} != 1 ]] && ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
  echo "bench/http.sh: WordPress needs MariaDB on 127.0.0.1:3306 (or set SKIP_WORDPRESS=1)" >&2; exit 1
fi
export WP_PORT=${WP_PORT:-8152} STATIC_PORT=${STATIC_PORT:-8153} WAGTAIL_PORT=${WAGTAIL_PORT:-8154}
APP_PORT=${APP_PORT:-8155} FRONT_PORT=${FRONT_PORT:-8156} UNCACHED_PORT=${UNCACHED_PORT:-8157}
NOALMANAC_PORT=${NOALMANAC_PORT:-8158}
N_ARTICLES=${N_ARTICLES:-10000} WAGTAIL_ARTICLES=${WAGTAIL_ARTICLES:-2000}
export DURATION=${DURATION:-10} ROUNDS=${ROUNDS:-3}
ARTICLE=/china-news/china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts/

mkdir -p "$BENCH"
if [[ ! -f $BENCH/peers/common.sh ]]; then
  mkdir -p "$BENCH/peers" && cp -r "$SHARED_PEERS/." "$BENCH/peers/" && chmod -R u+w "$BENCH/peers"
fi
PEERS="$BENCH/peers"
source "$PEERS/common.sh"   # log, start_bg, stop_one, wait_http, apt_install; state in $PEERS/run
apt_install nginx wrk curl

cleanup() {
  for name in dl-front dl-static dl-uncached dl-noalmanac dl-app wp-nginx wp-php-fpm gunicorn; do
    stop_one "$name"
  done
}
trap cleanup EXIT

# --- 1. peers
if [[ ${SKIP_WORDPRESS:-0} != 1 ]]; then
  PEERS="$PEERS" RUN="$PEERS/run" N_ARTICLES="$N_ARTICLES" "$REPO/bench/setup-wordpress.sh"
fi
if [[ ${SKIP_WAGTAIL:-0} != 1 ]]; then
  N_ARTICLES="$WAGTAIL_ARTICLES" SAMPLE_ARTICLE=1000 "$PEERS/setup-wagtail.sh"
fi

# --- 2. the Dateline site (production settings, SQLite in the data folder)
export DATELINE_DATA_DIR="$BENCH/dateline" DJANGO_SETTINGS_MODULE=dateline.settings.production
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export DATELINE_STATIC_PAGES_DIR="$BENCH/dateline/published"
mkdir -p "$DATELINE_DATA_DIR"
[[ -f $BENCH/secret_key ]] || python3 -c 'import secrets; print(secrets.token_urlsafe(50))' >"$BENCH/secret_key"
export SECRET_KEY; SECRET_KEY=$(cat "$BENCH/secret_key")
DL="$REPO/.venv/bin/dateline"
"$DL" migrate --verbosity 0
"$DL" demo_load
python3 "$PEERS/articles.py" "$N_ARTICLES" >"$BENCH/dateline-articles.jsonl"
"$REPO/.venv/bin/python" "$REPO/bench/seed_archive.py" "$BENCH/dateline-articles.jsonl"
"$DL" collectstatic --noinput --verbosity 0
"$DL" cache purge --all >/dev/null

# --- 3. servers
for port in "$APP_PORT" "$FRONT_PORT" "$UNCACHED_PORT" "$NOALMANAC_PORT" "$STATIC_PORT"; do
  port_free "$port"
done
start_bg dl-app "$DL" serve --host 127.0.0.1 --port "$APP_PORT"
DATELINE_PAGE_CACHE=0 start_bg dl-uncached "$DL" serve --host 127.0.0.1 --port "$UNCACHED_PORT"
wait_http "http://127.0.0.1:$APP_PORT$ARTICLE" 60
# The interim On this day rule (almanac app) scans the archive for the month and day; measured
# once more with that block switched off, to show what the rest of the page costs.
DATELINE_PAGE_CACHE=0 DATELINE_DISABLED_FEATURES=almanac \
  start_bg dl-noalmanac "$DL" serve --host 127.0.0.1 --port "$NOALMANAC_PORT"
wait_http "http://127.0.0.1:$UNCACHED_PORT$ARTICLE" 60
wait_http "http://127.0.0.1:$NOALMANAC_PORT$ARTICLE" 60

ZONE=$("$REPO/.venv/bin/python" -c 'import django; django.setup()
from dateline.core.selectors import site_settings_for; print(site_settings_for().time_zone)')
{
  echo "user root; worker_processes auto; daemon off; pid $BENCH/front.nginx-pid; error_log stderr;"
  echo "events { worker_connections 1024; }"
  echo "http { include /etc/nginx/mime.types; access_log off; sendfile on; keepalive_requests 10000;"
  "$DL" cache nginx --listen "127.0.0.1:$FRONT_PORT" --upstream "127.0.0.1:$APP_PORT" --server-name 127.0.0.1
  echo "}"
} >"$BENCH/nginx-front.conf"
TZ="$ZONE" start_bg dl-front nginx -c "$BENCH/nginx-front.conf"
wait_http "http://127.0.0.1:$FRONT_PORT$ARTICLE"

mkdir -p "$BENCH/static"
curl -sf -o "$BENCH/static/index.html" "http://127.0.0.1:$APP_PORT$ARTICLE"
cat >"$BENCH/nginx-static.conf" <<EOF
user root; worker_processes auto; daemon off; pid $BENCH/static.nginx-pid; error_log stderr;
events { worker_connections 1024; }
http { include /etc/nginx/mime.types; access_log off; sendfile on; keepalive_requests 10000;
  server { listen 127.0.0.1:$STATIC_PORT; root $BENCH/static; index index.html; } }
EOF
start_bg dl-static nginx -c "$BENCH/nginx-static.conf"
wait_http "http://127.0.0.1:$STATIC_PORT/"

# Warm both caches and check what each target answers with.
for _ in 1 2 3; do
  curl -s -o /dev/null "http://127.0.0.1:$APP_PORT$ARTICLE"
  curl -s -o /dev/null "http://127.0.0.1:$FRONT_PORT$ARTICLE"
done
log "serve alone:  $(curl -s -D - -o /dev/null "http://127.0.0.1:$APP_PORT$ARTICLE" | tr -d '\r' | grep -i '^x-dateline-cache')"
log "nginx front:  $(curl -s -D - -o /dev/null "http://127.0.0.1:$FRONT_PORT$ARTICLE" | tr -d '\r' | grep -i '^x-dateline-cache')"
log "uncached:     $(curl -s -D - -o /dev/null "http://127.0.0.1:$UNCACHED_PORT$ARTICLE" | tr -d '\r' | grep -ic '^x-dateline-cache') cache headers"
log "archive: $("$REPO/.venv/bin/python" -c 'import django; django.setup()
from dateline.newsroom.models import ArticlePage; print(ArticlePage.objects.live().count())') live articles"

# --- 4. measure
targets=("static=http://127.0.0.1:$STATIC_PORT/"
         "dl-cached=http://127.0.0.1:$APP_PORT$ARTICLE"
         "dl-front=http://127.0.0.1:$FRONT_PORT$ARTICLE"
         "dl-uncached=http://127.0.0.1:$UNCACHED_PORT$ARTICLE"
         "dl-unc-no-otd=http://127.0.0.1:$NOALMANAC_PORT$ARTICLE")
[[ ${SKIP_WORDPRESS:-0} == 1 ]] || targets+=("wp-post=$(cat "$PEERS/run/wp-post-url")")
[[ ${SKIP_WAGTAIL:-0} == 1 ]] || targets+=("wagtail-page=$(cat "$PEERS/run/wagtail-page-url")")
"$PEERS/measure.sh" "${targets[@]}"

"$REPO/.venv/bin/python" "$REPO/bench/publish_visible.py" --rounds "${PUBLISH_ROUNDS:-20}" \
  "http://127.0.0.1:$APP_PORT" "http://127.0.0.1:$FRONT_PORT"
