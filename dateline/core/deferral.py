"""A switch that lets a bulk writer (an import) defer the per-publish index updates to one rebuild.

Publishing a story normally refreshes its Related News lists, its search document and the page
cache through signal handlers (`related`, `search` and `cache` apps). For one story that is right;
for an import of 10,000 it is most of the run's time and is redone 10,000 times. Inside
`index_updates_deferred()` those handlers return at once; the writer then runs one rebuild after its
transaction commits (`dateline.importers.followup.archive_indexes_rebuild`).

A ContextVar, so only the code running inside the block (this thread or task) is affected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deferred: ContextVar[bool] = ContextVar("dateline_index_updates_deferred", default=False)


@contextmanager
def index_updates_deferred() -> Iterator[None]:
    """Make the related, search and cache signal handlers skip their work inside the block.

    The caller owes one rebuild afterwards (after its transaction commits).
    """
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def index_updates_are_deferred() -> bool:
    """Return whether a bulk writer has deferred the per-publish index updates (see module doc)."""
    return _deferred.get()
