"""The publish with its heavy work queued, beside the same publish with that work inline.

    python bench/publish_queue.py [--rounds 20] [--schedules 20] [--interval 20]

Builds the demo site in a fresh data folder (SQLite, the database task backend) and measures, each
figure beside its baseline in the same run:

1. The editor's publish: `newsroom.services.article_save` (revision, publish, the guards, Wagtail's
   signals and every on-commit callback: the local page-cache purge, the enqueueing) for a story
   whose body is an existing demo story's, so Related News has real work. Rounds alternate between
   the queued set-up (the database backend, as deployed) and the inline one (the immediate
   backend: the Related News refresh both ways, with the semantic encoding, inside the publish, as
   before there was a queue).
2. Publish → Related News lists updated, with a `dateline worker` process running: from the publish
   call to the moment its refresh task has finished (both directions stored); the inline baseline is
   the inline publish itself, since its lists are updated when it returns.
3. Scheduled-publish lateness: N stories scheduled a few seconds apart, each one's delay from its
   go-live time to the moment it is live, with the worker's scheduler at `--interval` seconds, and
   beside it the same with a once-a-minute scheduler (what a cron job running `publish_scheduled`
   every minute gives).

Benchmark use only: it writes to its own temporary data folder, which it removes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext

DATA = tempfile.mkdtemp(prefix="dateline-bench-queue-")
os.environ["DATELINE_DATA_DIR"] = DATA
os.environ["DJANGO_SETTINGS_MODULE"] = "dateline.settings.dev"
os.environ["DEBUG"] = "0"
os.environ["DATELINE_TASKS_BACKEND"] = "database"
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from dateline.newsroom import services  # noqa: E402
from dateline.newsroom.models import ArticlePage  # noqa: E402

INLINE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(round(q * len(values))) - 1)]


def summary(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    return (
        f"p50 {statistics.median(values) * scale:8.1f} {unit}   p95 {p(values, 0.95) * scale:8.1f}"
        f" {unit}   max {max(values) * scale:8.1f} {unit}"
    )


def story(n: int, source: ArticlePage, label: str, **extra: object) -> ArticlePage:
    """Publish (or schedule) a new story carrying `source`'s text, through the services."""
    return services.article_save(
        section=source.get_parent().specific,
        slug=f"bench-{label}-{n}",
        title=f"{source.title} ({label} {n})",
        standfirst=source.standfirst,
        body=list(source.body.raw_data),
        authors=[a.author for a in source.article_authors.all()][:1] or [],
        **extra,
    )


def worker(interval: float) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "dateline.cli", "worker", "--interval", str(interval)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def drain() -> None:
    call_command("worker", batch=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


def sync_done(since: dt.datetime) -> bool:
    """Return whether the one Related News task enqueued since `since` has finished."""
    return DBTaskResult.objects.filter(
        task_path__endswith="related_article_sync", status="SUCCESSFUL", enqueued_at__gte=since
    ).exists()


def lateness(schedules: int, interval: float, label: str) -> list[float]:
    """Schedule `schedules` stories 2 s apart from 5 s ahead; return each one's go-live lateness."""
    sources = list(ArticlePage.objects.live().order_by("pk")[:schedules])
    start = timezone.now()
    due = {}
    for n, source in enumerate(sources):
        at = start + dt.timedelta(seconds=5 + 2 * n)
        due[story(n, source, label, go_live_at=at).pk] = at
    process = worker(interval)
    late: dict[int, float] = {}
    try:
        deadline = time.monotonic() + 5 + 2 * schedules + 3 * interval + 30
        while len(late) < len(due) and time.monotonic() < deadline:
            for pk in ArticlePage.objects.filter(pk__in=due, live=True).values_list(
                "pk", flat=True
            ):
                if pk not in late:
                    late[pk] = (timezone.now() - due[pk]).total_seconds()
            time.sleep(0.05)
    finally:
        stop(process)
    missing = len(due) - len(late)
    return list(late.values()) + [float("inf")] * missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--schedules", type=int, default=20)
    parser.add_argument("--interval", type=float, default=20)
    args = parser.parse_args()
    try:
        call_command("migrate", interactive=False, verbosity=0)
        with override_settings(TASKS=INLINE):
            call_command("demo_load", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        sources = list(ArticlePage.objects.live().order_by("pk"))
        print(f"archive: {len(sources)} demo stories, data folder {DATA}\n")

        queued: list[float] = []
        inline: list[float] = []
        for n in range(args.rounds):
            source = sources[n % len(sources)]
            for mode, times in (("queued", queued), ("inline", inline))[:: 1 if n % 2 else -1]:
                chosen = override_settings(TASKS=INLINE) if mode == "inline" else nullcontext()
                with chosen:
                    started = time.perf_counter()
                    story(n, source, mode)
                    times.append(time.perf_counter() - started)
        drain()
        print(f"1. editor's publish (article_save), {args.rounds} rounds each, alternating:")
        print(f"   heavy work queued  {summary(queued)}")
        print(f"   heavy work inline  {summary(inline)}   (baseline)")
        print(f"   p95 ratio queued / inline: {p(queued, 0.95) / p(inline, 0.95):.2f}\n")

        process = worker(args.interval)
        visible: list[float] = []
        try:
            time.sleep(3)  # the worker is up and idle (its first scheduler tick done)
            for n in range(args.rounds):
                source = sources[(n + 7) % len(sources)]
                since = timezone.now()
                started = time.perf_counter()
                story(n, source, "visible")
                while not sync_done(since) and time.perf_counter() - started < 60:
                    time.sleep(0.01)
                visible.append(time.perf_counter() - started)
        finally:
            stop(process)
        print(
            f"2. publish -> Related News lists updated (both ways), worker running, {args.rounds}:"
        )
        print(f"   queued, by the worker  {summary(visible)}")
        print(f"   inline (baseline)      {summary(inline)}   (updated when the publish returns)\n")

        print(f"3. scheduled-publish lateness over {args.schedules} schedules (go-live -> live):")
        ours = lateness(args.schedules, args.interval, "scheduled")
        print(f"   worker scheduler, a tick every {args.interval:g} s  {summary(ours, 's', 1)}")
        cron = lateness(args.schedules, 60, "cron")
        print(f"   once a minute (cron-like baseline)    {summary(cron, 's', 1)}")
        print(
            "   main without a worker: nothing runs publish_scheduled, so no scheduled story "
            "goes live at all"
        )
    finally:
        shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main()
