#!/usr/bin/env bash
# CPU instructions of one uncached render, measured in-process with `perf stat` (docs/performance.md).
#
#   DATELINE_DATA_DIR=/tmp/dateline-bench/dateline bench/render_instructions.sh [PATH] [N]
#
# Uses the database and settings of the environment (production settings by default, so SECRET_KEY
# and ALLOWED_HOSTS must be set, e.g. as bench/http.sh sets them). Needs `perf` (Debian linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
PAGE=${1:-/china-news/china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts/}
N=${2:-100}
count() {
  perf stat -e instructions -x, .venv/bin/python bench/render_cpu.py "$PAGE" "$1" 2>&1 >/dev/null |
    grep instructions | cut -d, -f1
}
base=$(count 0)
total=$(count "$N")
if ! [[ $base =~ ^[0-9]+$ && $total =~ ^[0-9]+$ ]]; then
  echo "perf could not count instructions here ($base): use bench/render_cpu.sh (CPU time) instead" >&2
  exit 1
fi
python3 -c "print(f'$PAGE: {($total - $base) / $N / 1e6:.1f} M instructions per uncached render')"
