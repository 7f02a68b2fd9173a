"""CDN purges, delivered by the worker from the `CdnPurge` rows the publish wrote."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dateline.cache.models import CdnPurge
from dateline.core.tasks import tasks_inline

log = logging.getLogger(__name__)

# Back-off between attempts: 30 s, 1, 2, 4 ... minutes, at most an hour; never given up.
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)


def retry_delay(attempts: int) -> dt.timedelta:
    """Return how long to wait after `attempts` failed deliveries before the next."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


class _ErrorsSeen(logging.Handler):
    """Collect the errors Wagtail's front-end cache backends log (they log failures, not raise)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def cdn_urls_send(urls: list[str]) -> list[str]:
    """Purge `urls` at every configured CDN backend; return the errors (empty: all purged)."""
    from wagtail.contrib.frontend_cache.utils import get_backends

    seen = _ErrorsSeen()
    wagtail_log = logging.getLogger("wagtail.frontendcache")
    wagtail_log.addHandler(seen)
    try:
        for name, backend in get_backends().items():
            try:
                backend.purge_batch(urls)
            except Exception as error:  # any backend failure is retried, never lost
                seen.messages.append(f"{name}: {error}")
    finally:
        wagtail_log.removeHandler(seen)
    return seen.messages


@task()
def cdn_purge_deliver(purge_id: int) -> str:
    """Send one stored purge to the CDN; on failure keep it and retry later with back-off."""
    with transaction.atomic():
        purge = CdnPurge.objects.select_for_update().filter(pk=purge_id).first()
        if purge is None:
            return "already delivered"
        errors = cdn_urls_send(list(purge.urls))
        if not errors:
            purge.delete()
            return f"purged {len(purge.urls)} URLs"
        purge.attempts += 1
        purge.last_error = "\n".join(errors)[:2000]
        purge.next_attempt_at = timezone.now() + retry_delay(purge.attempts)
        purge.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    log.warning(
        "CDN purge %s failed (attempt %s), retrying at %s: %s",
        purge_id,
        purge.attempts,
        purge.next_attempt_at,
        errors[0],
    )
    if not tasks_inline():  # inline, the scheduler's sweep is the retry
        cdn_purge_deliver.using(run_after=purge.next_attempt_at).enqueue(purge_id)
    return f"failed, attempt {purge.attempts}"


def cdn_purges_due() -> str:
    """Send again every stored purge whose next attempt is due (the scheduler's sweep).

    Retries are enqueued with a delay, but a task can be lost (a queue flushed, a backend without
    delays); the rows cannot, so the sweep delivers what is overdue by a minute.
    """
    overdue = timezone.now() - dt.timedelta(minutes=1)
    ids = list(
        CdnPurge.objects.filter(next_attempt_at__lte=overdue).values_list("pk", flat=True)[:100]
    )
    for purge_id in ids:
        cdn_purge_deliver.call(purge_id)
    return f"retried {len(ids)} CDN purges"
