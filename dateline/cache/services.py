"""Writes of the page cache: the one purge function, local and at the CDN at once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from dateline.cache import publishing, store
from dateline.cache.models import CdnPurge
from dateline.cache.tasks import cdn_purge_deliver
from dateline.core.tasks import task_defer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    """What one purge did: the tags it invalidated, the URLs sent to the CDN, files removed."""

    tags: tuple[str, ...]
    urls: tuple[str, ...]
    files_removed: int


def cache_purge(*, tags: Iterable[str]) -> PurgeResult:
    """Invalidate every page carrying any of `tags`: locally, as static files and at the CDN.

    Locally each tag gets a new version token (every stored page that recorded the old one is dead),
    and the global purge token moves so other processes re-check their in-memory copies. Static files
    and CDN copies are found through the tag-to-URL index and purged by URL through Wagtail's
    front-end cache backends when `WAGTAILFRONTENDCACHE` is configured: the local purge is done
    when this returns, the CDN's is stored and handed to the worker (`cdn_purge_enqueue`).
    """
    wanted = tuple(sorted(set(tags)))
    if not wanted:
        return PurgeResult((), (), 0)
    cache = store.store()
    cache.set_many({store.tag_key(tag): store.new_token() for tag in wanted}, timeout=None)
    store.seq_move()
    store.memo.clear()
    urls, files = publishing.index_pop(list(wanted))
    removed = publishing.files_remove(files)
    if urls and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        cdn_purge_enqueue(urls=list(urls))
    log.info("purged tags %s: %d URLs, %d files", ",".join(wanted), len(urls), removed)
    return PurgeResult(wanted, tuple(urls), removed)


def cdn_purge_enqueue(*, urls: list[str]) -> CdnPurge:
    """Store a CDN purge of `urls` and hand it to the worker, which retries it until it is done.

    The row is written first (committed before the publish returns), so a purge survives a CDN
    outage, a worker that is down or a lost task: the scheduler sends again what is overdue.
    """
    purge = CdnPurge.objects.create(urls=urls)
    task_defer(cdn_purge_deliver, purge.pk)
    return purge


def cache_purge_on_commit(*, tags: Iterable[str]) -> None:
    """Purge `tags` once the current transaction commits (at once outside a transaction).

    Purging after the commit means no reader can render and store the old data after the purge.
    """
    wanted = tuple(tags)
    transaction.on_commit(lambda: cache_purge(tags=wanted))
