"""`/healthz` and `/readyz`: what a load balancer or a monitor polls, cheap enough for every second.

`/healthz` says the process answers (no query). `/readyz` checks what a reader's and an editor's
requests need: the database, the cache, the task queue's backlog (the age of the oldest task
waiting) and the scheduler's last tick, in two queries; 503 when any is not right. Neither is ever
cached: `Cache-Control: no-store`, and the page cache skips both paths.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from dateline.core.scheduler import scheduler_last_tick
from dateline.core.tasks import task_backlog, tasks_inline


def _answer(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process serves requests: nothing else is asked."""
    return _answer({"status": "ok"})


def readiness(now: dt.datetime | None = None) -> tuple[bool, dict[str, Any]]:
    """Return whether this process is ready to serve, and each check's finding.

    Database and cache must answer. With a worker expected (a database or RQ backend), the oldest
    pending task must have waited less than `DATELINE_READY_MAX_TASK_AGE` seconds and the
    scheduler must have ticked within `DATELINE_READY_MAX_TICK_AGE` (0 switches a check off).
    """
    now = now or timezone.now()
    checks: dict[str, Any] = {}
    ready = True
    try:
        last_tick = scheduler_last_tick()  # the database check and the tick in one query
        checks["database"] = "ok"
    except Exception as error:
        return False, {"database": f"error: {type(error).__name__}"}
    try:
        probe = secrets.token_hex(4)
        cache = caches["default"]
        cache.set("dateline-readyz", probe, timeout=10)
        checks["cache"] = "ok" if cache.get("dateline-readyz") == probe else "error: not stored"
        if getattr(cache, "degraded", False):
            # Still serving, from freshly rendered pages: ready, but an operator should know.
            checks["cache"] = "degraded: Redis unreachable, process memory in use, no pages kept"
    except Exception as error:
        checks["cache"] = f"error: {type(error).__name__}"
    ready &= checks["cache"] == "ok" or checks["cache"].startswith("degraded")
    if tasks_inline():
        checks["tasks"] = {"backend": "immediate"}
        return ready, checks
    try:
        backlog = task_backlog()
    except Exception as error:
        checks["tasks"] = f"error: {type(error).__name__}"
        return False, checks
    age = backlog.oldest_age(now)
    limit = settings.DATELINE_READY_MAX_TASK_AGE
    tasks_ok = not (limit and age is not None and age > limit)
    checks["tasks"] = {
        "backend": backlog.backend,
        "pending": backlog.pending,
        "oldest_pending_age_seconds": None if age is None else round(age, 1),
        "ok": tasks_ok,
    }
    tick_age = None if last_tick is None else (now - last_tick).total_seconds()
    tick_limit = settings.DATELINE_READY_MAX_TICK_AGE
    tick_ok = not tick_limit or (tick_age is not None and tick_age <= tick_limit)
    checks["scheduler"] = {
        "last_tick": None if last_tick is None else last_tick.isoformat(),
        "age_seconds": None if tick_age is None else round(tick_age, 1),
        "ok": tick_ok,
    }
    return ready and tasks_ok and tick_ok, checks


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Answer 200 with each check's finding when ready, 503 with the same body when not."""
    ready, checks = readiness()
    return _answer(
        {"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503
    )
