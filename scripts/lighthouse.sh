#!/usr/bin/env bash
# Lighthouse (mobile preset) on the demo's home, section and article pages, with their pictures.
#
#   scripts/lighthouse.sh [BASE_URL]        # default: starts a fresh demo on 127.0.0.1:$PORT
#
# Lighthouse 12.2.3 is pinned in tools/lighthouse (package-lock.json; `npm ci` there installs it)
# and runs Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). Without BASE_URL the script
# prepares a demo in $RUN (default /tmp/dateline-lighthouse), serves it, fetches each page twice
# (so its renditions exist and the page cache is warm, as for any reader after the first), runs
# Lighthouse, prints the four scores per page and stops the server it started (by its pid).
# Reports: $RUN/<page>.report.json. The goal (issue #15): performance >= 95, the rest 100.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
RUN=${RUN:-/tmp/dateline-lighthouse}
PORT=${PORT:-8431}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
LH="$REPO/tools/lighthouse/node_modules/.bin/lighthouse"
[[ -x $LH ]] || (cd tools/lighthouse && npm ci --no-audit --no-fund)
mkdir -p "$RUN"
BASE=${1:-}
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null || true; }
trap cleanup EXIT
if [[ -z $BASE ]]; then
  BASE="http://127.0.0.1:$PORT"
  export DATELINE_DATA_DIR="$RUN/data"
  mkdir -p "$DATELINE_DATA_DIR"
  .venv/bin/dateline demo --port "$PORT" --workers 1 >"$RUN/server.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do curl -fs -o /dev/null "$BASE/" && break; sleep 1; done
fi
ARTICLE=/china-news/china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts/
declare -A PAGES=([home]=/ [section]=/china-news/ [article]=$ARTICLE)
for name in home section article; do
  url="$BASE${PAGES[$name]}"
  # The first visit draws the page's renditions; fetch every image it names so they exist.
  for _ in 1 2; do
    curl -fs "$url" | grep -oE '(src|srcset)="[^"]+"' | grep -oE '/media/[^ ",]+' | sort -u |
      while read -r image; do curl -fs -o /dev/null "$BASE$image"; done
  done
done
printf '%-8s %12s %14s %15s %4s\n' page performance accessibility best-practices seo
for name in home section article; do
  url="$BASE${PAGES[$name]}"
  "$LH" "$url" --quiet --output=json --output-path="$RUN/$name.report.json" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run" \
    --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>>"$RUN/lighthouse.log"
  python3 - "$RUN/$name.report.json" "$name" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
scores = [round(report["categories"][c]["score"] * 100) for c in ("performance", "accessibility", "best-practices", "seo")]
print(f"{sys.argv[2]:<8} {scores[0]:>12} {scores[1]:>14} {scores[2]:>15} {scores[3]:>4}")
for c in ("accessibility", "best-practices", "seo"):
    for ref in report["categories"][c]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
            print(f"           {c}: {ref['id']}: {audit['title']}")
lcp = report["audits"]["largest-contentful-paint"]["displayValue"]
print(f"           LCP {lcp}, CLS {report['audits']['cumulative-layout-shift']['displayValue']}, TBT {report['audits']['total-blocking-time']['displayValue']}")
PY
done
