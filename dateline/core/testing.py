"""Helpers for Dateline's tests: what a test needs from the machine, the shared data, the clock.

A test that needs something the machine may lack (the public datasets in `../shared/data`, the
packaged model, Chromium, Java) skips with the reason on a developer's machine and fails under
`CI=true`, where the project's own scripts must have provided it: CI never passes by skipping.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from dateline.core import publishing
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


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Move the clock to `moment` (aware) for the block: the one way tests travel in time.

    Everything Dateline and Wagtail compute from "now" (the newsroom's local day, schedules,
    expiry, cache lifetimes) reads `django.utils.timezone.now`, so this is the only clock to move;
    nothing sleeps.
    """
    if timezone.is_naive(moment):
        raise ValueError("clock_at needs an aware datetime")
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC)):
        yield


@contextmanager
def publish_guards_only(**guards: publishing.Guard) -> Iterator[None]:
    """Run the block with exactly these publish guards (name=guard), then restore the registered ones.

    A test of how a publish path treats problems then sees only its own guard's, not the quality
    policy's as well.
    """
    saved = dict(publishing._guards)
    publishing._guards.clear()
    publishing._guards.update(guards)
    try:
        yield
    finally:
        publishing._guards.clear()
        publishing._guards.update(saved)


# The database task backend, for tests that run the queue themselves (`run_queue`).
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_queue(*, allow_failures: bool = False) -> None:
    """Run every task that is due now, one by one as `dateline worker` does, then return.

    The worker's own loop closes stale connections between tasks, which would end a test's
    transaction, so the test runs the same `Worker.run_task` on each due row itself; a task that
    fails fails the test, unless `allow_failures` (a test of what happens to failed rows).
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    while (row := DBTaskResult.objects.ready().first()) is not None:
        row.claim("test")
        worker.run_task(row)
        row.refresh_from_db()
        if row.status == "FAILED" and not allow_failures:
            raise AssertionError(f"task {row.task_path} failed: {row.traceback}")
