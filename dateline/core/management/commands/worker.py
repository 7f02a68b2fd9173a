"""`dateline worker`: run the background tasks and the scheduler, for whichever task backend is set.

One command for every backend (`DATELINE_TASKS_BACKEND`): the database backend's worker loop, or an
RQ worker on Redis; beside it, in a thread, the scheduler that publishes what is due and retries
CDN purges (`core.scheduler`). Run as many workers as wanted, on as many machines: each task runs
once, and each scheduler tick in one worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from dateline.core.outage import database_unavailable
from dateline.core.scheduler import heartbeat_loop, scheduler_loop, tasks_release

log = logging.getLogger(__name__)
# Longest wait between two attempts to reach the database again after it went away (seconds).
RETRY_MAX = 10.0


def run_through_outages(runner, *, worker: str, stop: threading.Event) -> None:  # noqa: ANN001
    """Run the database backend's worker loop, starting it again whenever the database goes away.

    The loop of django-tasks-db stops on the first database error that is not a lock. Here the
    worker waits (1 s, doubling up to `RETRY_MAX`), hands back the task the outage interrupted
    (`scheduler.tasks_release`) and goes on, so a database restart needs no worker restart.
    """
    delay = 1.0
    while not stop.is_set():
        started = time.monotonic()
        try:
            tasks_release(worker=worker)
            runner.run()
            return
        except Exception as error:
            if not database_unavailable(error) or not runner.running:
                raise
            if time.monotonic() - started > 60:
                delay = 1.0  # it had been running well: this is a new outage
            log.warning(
                "database unavailable (%s); the worker tries again in %g s",
                type(error).__name__,
                delay,
            )
            close_old_connections()
            connection.close()
            stop.wait(delay)
            delay = min(delay * 2, RETRY_MAX)


class Command(BaseCommand):
    help = "Run background tasks and the scheduler (scheduled publishing, CDN purge retries)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001 - Django's signature
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="run tasks only; leave scheduled publishing to other workers",
        )
        parser.add_argument(
            "--scheduler-only", action="store_true", help="run the scheduler and no tasks"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between scheduler ticks (default DATELINE_SCHEDULER_INTERVAL)",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="run the tasks waiting now, then exit (database backend; no scheduler)",
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003 - Django's signature
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        backend = settings.DATELINE_TASKS_BACKEND
        interval = options["interval"] or settings.DATELINE_SCHEDULER_INTERVAL
        stop = threading.Event()
        if not options["no_scheduler"] and not options["batch"]:
            scheduler = threading.Thread(
                target=scheduler_loop,
                kwargs={"worker": worker_id, "interval": interval, "stop": stop},
                name="dateline-scheduler",
                daemon=True,
            )
            scheduler.start()
            self.stdout.write(f"scheduler: a tick every {interval:g} s ({worker_id})")
        try:
            if options["scheduler_only"] or backend == "immediate":
                # Immediate tasks run where they are asked for: only the scheduler runs here.
                stop.wait()
            elif backend == "database":
                from django_tasks_db.management.commands.db_worker import Worker

                if not options["batch"]:
                    # While this worker lives, the tasks it runs are its own; once its heartbeat
                    # stops, the scheduler (in any worker) runs them again (lost_tasks_recover).
                    threading.Thread(
                        target=heartbeat_loop,
                        kwargs={"worker": worker_id[:64], "interval": interval, "stop": stop},
                        name="dateline-heartbeat",
                        daemon=True,
                    ).start()

                runner = Worker(
                    queue_names=["default"],
                    interval=settings.DATELINE_TASKS_POLL_INTERVAL,
                    batch=options["batch"],
                    backend_name="default",
                    startup_delay=not options["batch"],
                    max_tasks=None,
                    worker_id=worker_id[:64],
                    excluded_queue_names=[],
                )
                if not options["batch"]:
                    runner.configure_signals()
                self.stdout.write(f"tasks: database backend ({worker_id})")
                if options["batch"]:
                    runner.run()
                else:
                    run_through_outages(runner, worker=worker_id[:64], stop=stop)
            elif backend == "rq":
                self.stdout.write(f"tasks: RQ backend ({worker_id})")
                call_command(
                    "rqworker",
                    "default",
                    job_class="django_tasks_rq.Job",
                    # One process per worker: the Related News model is loaded once, not per job.
                    worker_class="rq.worker.SimpleWorker",
                    with_scheduler=True,
                    burst=options["batch"],
                    name=worker_id,
                )
            else:
                raise CommandError(f"unknown DATELINE_TASKS_BACKEND {backend!r}")
        finally:
            stop.set()
