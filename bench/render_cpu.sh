#!/usr/bin/env bash
# CPU milliseconds per uncached render: Dateline's reference article beside the bare Wagtail peer's
# page, in alternating rounds, medians and ratio (docs/performance.md).
#
#   RUN=/tmp/dateline-bench bench/render_cpu.sh [ROUNDS] [N]
#
# Needs the state bench/http.sh leaves in RUN: the Dateline data folder and secret key, and the
# peer's Wagtail project and virtualenv (peers/run/wagtail-site, peers/.venv).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BENCH=${RUN:-/tmp/dateline-bench}
ROUNDS=${1:-5} N=${2:-200}
ARTICLE=/china-news/china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts/
PEER_SITE="$BENCH/peers/run/wagtail-site" PEER_PY="$BENCH/peers/.venv/bin/python"
PEER_PATH=$(sed -E 's|^http://[^/]+||' "$BENCH/peers/run/wagtail-page-url")
[[ -x $PEER_PY && -d $PEER_SITE ]] || { echo "no Wagtail peer in $BENCH: run bench/http.sh first" >&2; exit 1; }

dateline=() wagtail=()
for r in $(seq "$ROUNDS"); do
  d=$(env DATELINE_DATA_DIR="$BENCH/dateline" SECRET_KEY="$(cat "$BENCH/secret_key")" \
        ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 DJANGO_SETTINGS_MODULE=dateline.settings.production \
        "$REPO/.venv/bin/python" "$REPO/bench/render_cpu.py" "$ARTICLE" "$N")
  w=$(cd "$PEER_SITE" && env -u DATELINE_DATA_DIR DJANGO_SETTINGS_MODULE=benchsite.settings.production \
        PEER_SITE="$PEER_SITE" "$PEER_PY" "$REPO/bench/render_cpu.py" "$PEER_PATH" "$N")
  echo "round $r: dateline $d ms  bare wagtail $w ms  (load $(cut -d' ' -f1 /proc/loadavg))"
  dateline+=("$d") wagtail+=("$w")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
d=$(median "${dateline[@]}") w=$(median "${wagtail[@]}")
echo "median CPU ms per uncached render: dateline $d  bare wagtail $w  ratio $(awk -v d="$d" -v w="$w" 'BEGIN { printf "%.2f", d / w }') (below 1: Dateline cheaper)"
