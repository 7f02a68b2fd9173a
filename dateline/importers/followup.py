"""What an import owes the site after it commits: one rebuild of the indexes it deferred.

A bulk import publishes inside `core.deferral.index_updates_deferred()`, so no per-story Related
News refresh, search-document update or cache purge runs (they would be redone for every story).
`archive_indexes_rebuild` does the same work once for the whole archive. The importer calls it right
after its transaction commits; a background task may call it instead (it takes no arguments and is
safe to run again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models.signals import post_save
from modelsearch import index as search_index
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import (
    disable_reference_index_auto_update,
    reference_index_auto_update_disabled,
)

from dateline.cache.services import cache_purge
from dateline.core import cachetags
from dateline.related.rebuild import related_rebuild
from dateline.search.services import search_index_rebuild

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuildDone:
    """What the follow-up rebuilt: stories with Related News lists, and search documents."""

    related: int
    searched: int


@contextmanager
def wagtail_indexes_deferred() -> Iterator[None]:
    """Skip Wagtail's per-save admin search and reference index updates inside the block.

    Each save otherwise runs two index tasks (half an import's time). The search handler has no
    switch of its own, so it is disconnected for the block: process-wide, which is why only the
    import command and the bench use this, never a request. `archive_indexes_rebuild(page_ids=...)`
    then indexes the imported pages in bulk.
    """
    models = [m for m in search_index.get_indexed_models() if issubclass(m, Page)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        if getattr(reference_index_auto_update_disabled, "value", False):
            yield  # already off (Wagtail's switch cannot be nested: its exit deletes the flag)
        else:
            with disable_reference_index_auto_update():
                yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


def _wagtail_indexes_update(page_ids: Sequence[int]) -> None:
    """Index the pages `page_ids` in Wagtail's admin search and reference index, in bulk."""
    pages = list(Page.objects.filter(pk__in=page_ids).specific())
    by_model: dict[type, list[Page]] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for backend in get_search_backends(with_auto_update=True):
        for model, objects in by_model.items():
            if search_index.class_is_indexed(model):
                backend.add_bulk(model, objects)
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)


def archive_indexes_rebuild(*, page_ids: Sequence[int] = ()) -> RebuildDone:
    """Rebuild the Related News lists and the search index, then purge the page cache, once.

    The follow-up of a bulk import (see the module docstring); idempotent. `page_ids` are pages
    written with `wagtail_indexes_deferred`, which get their Wagtail admin search and reference
    index entries here.
    """
    if page_ids:
        _wagtail_indexes_update(page_ids)
    related = related_rebuild()
    searched = search_index_rebuild()
    cache_purge(tags=[cachetags.ALL])
    logger.info(
        "after import: related lists for %s stories, %s searched", related.articles, searched
    )
    return RebuildDone(related=related.articles, searched=searched)
