"""Read every deployment setting from the environment, in one place.

Each integration (PostgreSQL, Redis, ...) switches on when its variable is set; `.env.example` lists
every variable this module reads.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable `name`, or `default` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return the variable `name` read as a boolean; reject values that are neither."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_int(name: str, default: int) -> int:
    """Return the variable `name` read as an integer, with a clear error when it is not one."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not an integer.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return the comma-separated variable `name` as a list of stripped, non-empty items."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Return the folder that holds the SQLite database, media and collected static files."""
    return Path(env_str("DATELINE_DATA_DIR", str(PROJECT_ROOT / "var"))).expanduser().resolve()


def shared_data_dir() -> Path:
    """Return the folder of public datasets used by evaluations and benchmarks (never committed).

    Defaults to `../shared/data` beside the checkout; `DATELINE_SHARED_DATA` overrides it. Tests that
    need it skip with a clear reason when it is absent.
    """
    default = PROJECT_ROOT.parent / "shared" / "data"
    return Path(env_str("DATELINE_SHARED_DATA", str(default))).expanduser().resolve()
