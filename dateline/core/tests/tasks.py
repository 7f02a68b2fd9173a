"""A task for the queue tests: the worker that runs it notes its process and the value it got."""

from __future__ import annotations

import os

from django_tasks import task


@task()
def note(path: str, value: int) -> int:
    """Append `value` and this worker's process id to the file at `path`."""
    with open(path, "a") as noted:
        noted.write(f"{value} {os.getpid()}\n")
    return value
