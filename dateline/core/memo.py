"""A per-process memo of site-wide reads (navigation, settings, today's On this day entry).

Every page shows the same few site-wide things; reading them from the database on each uncached
render costs more than rendering the article itself. This memo keeps them in the process until the
site's content changes, which is exactly when the page cache's global purge token moves (any
publish, unpublish, move or settings change purges, and each purge moves the token). Core imports no
other Dateline app, so the cache app registers that token here when it starts
(`token_source_set`); without a registered source nothing is remembered.

Values are shared between requests and threads: store immutable data, or copies (see
`MemoisedSiteSetting`), never an object a caller might change.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_source: Callable[[], str] | None = None
_items: dict[Hashable, tuple[str, Any]] = {}
_lock = threading.Lock()
# The token read once for the request being handled (`token_pinned`), when there is one.
_pinned: ContextVar[str | None] = ContextVar("dateline_memo_token", default=None)
# Keys are few (a handful per site and day); the bound only guards against a key that grows.
_MAX_ITEMS = 512


def token_source_set(source: Callable[[], str] | None) -> None:
    """Register the function returning the site's current content token (None: switch the memo off).

    The token must change whenever anything a memoised value depends on changes.
    """
    global _source
    _source = source
    memo_clear()


def memo_clear() -> None:
    """Forget every remembered value (tests, and the purge in this process)."""
    with _lock:
        _items.clear()


@contextmanager
def token_pinned() -> Iterator[None]:
    """Read the content token once and let every memo lookup inside the block use that reading.

    A page render makes a dozen lookups; with Redis each unpinned one is a network round trip.
    A request pinned before a purge sees the values of before the purge, as the page it renders
    is itself of before the purge (the page cache compares the token of the render's start).
    """
    source = _source
    if source is None:
        yield
        return
    reset = _pinned.set(source())
    try:
        yield
    finally:
        _pinned.reset(reset)


def site_memo(key: Hashable, compute: Callable[[], T]) -> T:
    """Return `compute()`'s value for `key`, remembered in this process until the content changes.

    Costs one token read per call (a `stat()` with the file cache, a GET with Redis), or none
    inside `token_pinned()`, instead of the queries `compute` makes. Without a token source it
    simply calls `compute`.
    """
    source = _source
    if source is None:
        return compute()
    token = _pinned.get() or source()
    found = _items.get(key)
    if found is not None and found[0] == token:
        return found[1]
    value = compute()
    with _lock:
        if len(_items) >= _MAX_ITEMS:
            _items.clear()
        _items[key] = (token, value)
    return value


class MemoisedSiteSetting:
    """Mixin for Wagtail site settings: `for_site` reads the memo, and returns a private copy.

    A copy, because Wagtail sets attributes on the instance it returns (the request, URL caches)
    and the admin binds forms to it; the shared original is never handed out.
    """

    @classmethod
    def for_site(cls, site):  # noqa: ANN001, ANN206 - Wagtail's signature
        """Return this setting for `site`, from the memo when the content has not changed."""
        parent: Any = super()  # Wagtail's BaseSiteSetting, which this mixin precedes
        if site is None or site.pk is None:
            return parent.for_site(site)

        def load():  # noqa: ANN202
            return parent.for_site(site)

        label = cls._meta.label  # type: ignore[attr-defined]  # a model class
        return copy.copy(site_memo(("site-setting", label, site.pk), load))
