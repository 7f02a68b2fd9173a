"""What an import owes the site after it commits: one rebuild of the indexes it deferred.

A bulk import publishes inside `core.deferral.index_updates_deferred()`, so no per-story Related
News refresh, search-document update or cache purge runs (they would be redone for every story).
`archive_indexes_rebuild` does the same work once for the whole archive. The importer calls it right
after its transaction commits; a background task may call it instead (it takes no arguments and is
safe to run again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

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


def archive_indexes_rebuild() -> RebuildDone:
    """Rebuild the Related News lists and the search index, then purge the page cache, once.

    The follow-up of a bulk import (see the module docstring); idempotent.
    """
    related = related_rebuild()
    searched = search_index_rebuild()
    cache_purge(tags=[cachetags.ALL])
    logger.info(
        "after import: related lists for %s stories, %s searched", related.articles, searched
    )
    return RebuildDone(related=related.articles, searched=searched)
