"""Helpers for Dateline's tests: what a test needs from the machine, and where the shared data is.

A test that needs something the machine may lack (the public datasets in `../shared/data`, the
packaged model, Chromium, Java) skips with the reason on a developer's machine and fails under
`CI=true`, where the project's own scripts must have provided it: CI never passes by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dateline.settings.env import shared_data_dir


def in_ci() -> bool:
    """Return whether the tests run in CI (`CI=true`), where nothing may be skipped for lack of it."""
    return os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    """Skip the running test with `reason` unless `available`; fail instead under `CI=true`."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


def shared_data(*parts: str) -> Path:
    """Return a path inside the shared datasets folder, requiring it to exist (see `require`)."""
    path = shared_data_dir().joinpath(*parts)
    require(path.exists(), f"shared data not found at {path} (set DATELINE_SHARED_DATA)")
    return path
