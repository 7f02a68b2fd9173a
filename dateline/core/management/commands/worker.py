"""`dateline worker`: run the background tasks and the scheduler, for whichever task backend is set.

One command for every backend (`DATELINE_TASKS_BACKEND`): the database backend's worker loop, or an
RQ worker on Redis; beside it, in a thread, the scheduler that publishes what is due and retries
CDN purges (`core.scheduler`). Run as many workers as wanted, on as many machines: each task runs
once, and each scheduler tick in one worker.
"""

from __future__ import annotations

import os
import socket
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dateline.core.scheduler import heartbeat_loop, scheduler_loop


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
                runner.run()
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
