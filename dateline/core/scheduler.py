"""The worker's scheduler: every few seconds, run the registered periodic jobs once across workers.

`dateline worker` runs `scheduler_loop` in a thread beside the task worker, so go-live and expiry
fire with nothing set up by hand. The jobs (`core.tasks.scheduler_job_register`) are safe to run
late: a worker that was down catches up on its first tick, since the scheduled publish picks every
revision whose time has passed. Each tick is claimed through a lease on one `SchedulerTick` row,
so with several workers a tick runs in one of them at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from dateline.core.models import SchedulerTick
from dateline.core.tasks import scheduler_jobs

log = logging.getLogger(__name__)

TICK = "scheduler"
# A worker that dies mid-tick holds the lease this long at most.
LEASE = dt.timedelta(minutes=5)


def scheduler_tick(*, worker: str, interval: float) -> dict[str, str] | None:
    """Claim this tick and run every periodic job once; return their summaries (None: not ours).

    The tick is ours when no other worker holds the lease. A job that fails is logged and the
    others still run; the tick's time is recorded either way (`/readyz` reads it).
    """
    now = timezone.now()
    SchedulerTick.objects.get_or_create(name=TICK)
    claimed = (
        SchedulerTick.objects.filter(name=TICK)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + LEASE, worker=worker[:128])
    )
    if not claimed:
        return None
    summaries: dict[str, str] = {}
    for name, job in scheduler_jobs().items():
        try:
            summaries[name] = job()
        except Exception:  # one broken job must not stop scheduled publishing
            log.exception("scheduler job %s failed", name)
            summaries[name] = "failed (see the log)"
    # Free the lease a little before the next tick is due, so any worker may take that one.
    SchedulerTick.objects.filter(name=TICK).update(
        ran_at=now,
        lease_until=now + dt.timedelta(seconds=max(interval * 0.8, 0)),
        summary="; ".join(f"{name}: {text}" for name, text in summaries.items()),
    )
    return summaries


def scheduler_last_tick() -> dt.datetime | None:
    """Return when the scheduler last ran, in any worker (None when it never has)."""
    return SchedulerTick.objects.filter(name=TICK).values_list("ran_at", flat=True).first()


def scheduler_loop(*, worker: str, interval: float, stop: threading.Event) -> None:
    """Tick at once (catching up on what came due while no worker ran), then every `interval` s."""
    while not stop.is_set():
        close_old_connections()
        try:
            done = scheduler_tick(worker=worker, interval=interval)
            if done:
                log.info("scheduler tick: %s", done)
        except Exception:  # the database may be away for a moment; try again next tick
            log.exception("scheduler tick failed")
        finally:
            connection.close()
        stop.wait(interval)


PRUNE = "prune-task-results"
PRUNE_EVERY = dt.timedelta(hours=1)
# Finished tasks kept this long (for inspection), then deleted by the scheduler.
KEEP_FINISHED = dt.timedelta(days=7)


def task_results_prune() -> str:
    """Delete the database backend's successful task rows older than a week, at most hourly.

    Every publish leaves a few finished rows; without this the table grows for ever. Failed ones
    are kept for a person to read (`dateline prune_db_task_results` removes those too).
    """
    from django_tasks_db.models import DBTaskResult

    from dateline.core.tasks import tasks_inline

    if tasks_inline() or type(task_backends_default()).__name__ != "DatabaseBackend":
        return "not the database backend"
    now = timezone.now()
    row, _ = SchedulerTick.objects.get_or_create(name=PRUNE)
    if row.ran_at is not None and now - row.ran_at < PRUNE_EVERY:
        return "not due"
    deleted, _ = (
        DBTaskResult.objects.successful().filter(finished_at__lt=now - KEEP_FINISHED).delete()
    )
    SchedulerTick.objects.filter(name=PRUNE).update(ran_at=now, summary=f"deleted {deleted}")
    return f"deleted {deleted} finished task rows"


def task_backends_default() -> object:
    """Return the default task backend."""
    from django_tasks import task_backends

    return task_backends["default"]


RECOVER = "recover-lost-tasks"
HEARTBEAT_PREFIX = "worker:"
# A worker whose heartbeat is older than DATELINE_WORKER_LOST_AFTER seconds (90) is gone (it beats
# every scheduler interval; the limit is at least three intervals).
# How many times a task whose worker died is run again before it is failed for a person to read.
LOST_RUNS_MAX = 3


def heartbeat_name(worker: str) -> str:
    """Return the `SchedulerTick` row name that holds `worker`'s heartbeat."""
    return f"{HEARTBEAT_PREFIX}{worker}"[:64]


def worker_heartbeat(*, worker: str) -> None:
    """Record that `worker` is alive now (its running tasks are not to be taken from it)."""
    SchedulerTick.objects.update_or_create(
        name=heartbeat_name(worker), defaults={"ran_at": timezone.now(), "worker": worker[:128]}
    )


def heartbeat_loop(*, worker: str, interval: float, stop: threading.Event) -> None:
    """Beat for `worker` every `interval` s until `stop` (a thread beside the task worker)."""
    while not stop.is_set():
        close_old_connections()
        try:
            worker_heartbeat(worker=worker)
        except Exception:  # the database may be away for a moment; beat again next time
            log.exception("worker heartbeat failed")
        finally:
            connection.close()
        stop.wait(interval)


def lost_tasks_recover(*, now: dt.datetime | None = None) -> str:
    """Run again the database backend's tasks whose worker died while running them.

    A worker killed mid-task (an out-of-memory kill, a machine restart) leaves its task RUNNING
    for ever: the database backend never looks at it again. Each worker beats a heartbeat
    (`heartbeat_loop`); a RUNNING task whose last worker has not beaten for
    `DATELINE_WORKER_LOST_AFTER` seconds is
    made READY again, so the next free worker runs it from the start. Dateline's tasks are
    idempotent (a Related News refresh, a purge, a rebuild), so running one again does nothing
    twice. A task that has lost `LOST_RUNS_MAX` workers is failed instead, for a person to read:
    it is likely what kills them.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from dateline.core.tasks import tasks_inline

    if tasks_inline() or type(task_backends_default()).__name__ != "DatabaseBackend":
        return "not the database backend"
    now = now or timezone.now()
    lost_after = dt.timedelta(
        seconds=max(
            float(settings.DATELINE_WORKER_LOST_AFTER),
            3 * float(settings.DATELINE_SCHEDULER_INTERVAL),
        )
    )
    alive = set(
        SchedulerTick.objects.filter(
            name__startswith=HEARTBEAT_PREFIX, ran_at__gte=now - lost_after
        ).values_list("name", flat=True)
    )
    again = failed = 0
    running = DBTaskResult.objects.running().filter(started_at__lt=now - lost_after)
    for result in running:
        workers = list(result.worker_ids or [])
        if workers and heartbeat_name(workers[-1]) in alive:
            continue
        if len(workers) >= LOST_RUNS_MAX:
            updated = DBTaskResult.objects.filter(pk=result.pk, status=result.status).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="dateline.core.scheduler.WorkerLost",
                traceback=f"The worker running this task stopped {len(workers)} times: "
                f"{', '.join(workers)}. It was not run again.",
            )
            failed += updated
        else:
            again += DBTaskResult.objects.filter(pk=result.pk, status=result.status).update(
                status=TaskResultStatus.READY, started_at=None
            )
    SchedulerTick.objects.filter(
        name__startswith=HEARTBEAT_PREFIX, ran_at__lt=now - dt.timedelta(days=1)
    ).delete()  # workers long gone
    if again or failed:
        log.warning("lost tasks: %s run again, %s failed after %s lost workers", again, failed,
                    LOST_RUNS_MAX)  # fmt: skip
    return f"{again} run again, {failed} failed"


def tasks_release(*, worker: str) -> int:
    """Make READY again the tasks `worker` claimed and is no longer running; return how many.

    A database outage can interrupt the task a worker runs and also the write that would record
    its end, leaving the task RUNNING under a worker whose heartbeat goes on: nothing would ever
    run it again. The worker runs one task at a time, so when its loop starts again after such an
    outage (`dateline worker`), whatever it still holds was interrupted and is handed back.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    held = [
        result.pk
        for result in DBTaskResult.objects.running().only("pk", "worker_ids")
        if (result.worker_ids or [None])[-1] == worker
    ]
    if not held:
        return 0
    return DBTaskResult.objects.filter(pk__in=held, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
