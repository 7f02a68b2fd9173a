"""Background work on Django's Tasks API (the django-tasks backport): how Dateline hands work off.

Heavy work a publish causes (the Related News refresh both ways, with the semantic encoding; CDN
purges; Wagtail's own tasks, such as its reference index) is a task, enqueued once the publish's
transaction commits and run by `dateline worker`, so the editor's request returns without it. The
backend comes from `DATELINE_TASKS_BACKEND` (settings): the database (default), RQ on Redis, or
immediate, which runs each task inline where it is asked for, inside the transaction, exactly as
before there was a queue (the tests, and a site with no worker).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

log = logging.getLogger(__name__)


def tasks_inline(backend: str = "default") -> bool:
    """Return whether tasks run inline where they are asked for (the immediate backend)."""
    return isinstance(task_backends[backend], ImmediateBackend)


def task_defer(task: Any, *args: Any, **kwargs: Any) -> None:
    """Run `task` with these arguments after the current transaction commits, in the worker.

    After the commit, so the worker reads what the publish wrote (and nothing is queued for a
    publish that rolled back). With the immediate backend the task runs here and now instead,
    inside the transaction, and its errors propagate as any inline code's would.
    """
    if tasks_inline(task.backend):
        task.call(*args, **kwargs)
        return

    def enqueue() -> None:
        task.enqueue(*args, **kwargs)

    transaction.on_commit(enqueue, robust=True)


@dataclass(frozen=True)
class Backlog:
    """The queue's state for `/readyz`: tasks waiting to run and how long the oldest has waited."""

    backend: str
    pending: int
    oldest_enqueued_at: dt.datetime | None

    def oldest_age(self, now: dt.datetime | None = None) -> float | None:
        """Return the oldest pending task's wait in seconds (None when nothing is pending)."""
        if self.oldest_enqueued_at is None:
            return None
        return ((now or timezone.now()) - self.oldest_enqueued_at).total_seconds()


def task_backlog(backend: str = "default") -> Backlog:
    """Return the pending tasks of `backend` that are due now: one query (or two Redis reads).

    A task deferred to a later time (a CDN purge's retry) is not pending until its time comes.
    """
    chosen = task_backends[backend]
    kind = type(chosen).__name__
    if isinstance(chosen, ImmediateBackend):
        return Backlog(kind, 0, None)
    if kind == "DatabaseBackend":
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        row = (
            DBTaskResult.objects.ready()
            .filter(backend_name=backend)
            .aggregate(pending=Count("id"), oldest=Min("enqueued_at"))
        )
        return Backlog(kind, row["pending"], row["oldest"])
    if kind == "RQBackend":
        import django_rq

        pending, oldest = 0, None
        for name in chosen.queues:
            queue = django_rq.get_queue(name)
            pending += queue.count
            first = queue.get_job_ids(0, 1)
            job = queue.fetch_job(first[0]) if first else None
            if job is not None and job.enqueued_at is not None:
                when = job.enqueued_at
                when = when if timezone.is_aware(when) else when.replace(tzinfo=dt.UTC)
                oldest = when if oldest is None else min(oldest, when)
        return Backlog(kind, pending, oldest)
    return Backlog(kind, 0, None)


Job = Callable[[], str]
_JOBS: dict[str, Job] = {}


def scheduler_job_register(name: str, job: Job) -> None:
    """Run `job` on every tick of the worker's scheduler; it returns a one-line summary.

    Apps register their periodic work in `ready()` (the newsroom its scheduled publishing, the
    cache its CDN purge retries), so core runs them without importing any app.
    """
    _JOBS[name] = job


def scheduler_jobs() -> dict[str, Job]:
    """Return the registered periodic jobs by name."""
    return dict(_JOBS)
