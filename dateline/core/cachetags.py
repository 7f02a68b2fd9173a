"""Cache tags: what each rendered page depends on, collected on the request while it renders.

Templates, template tags and `get_context` call `cache_tags_add(request, ...)` for everything they
show (an article, a section's listing, an author's name); the page cache stores the tags with the page
and sends them as a `Cache-Tag` header, and a purge of a tag drops exactly the pages that carry it.
`core` only collects strings here: it knows nothing of the cache itself. docs/caching.md lists the
tag vocabulary that other features use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.http import HttpRequest

# Every cached page carries this tag, so a change to site-wide settings purges everything.
ALL = "all"
# The home page's listings (latest stories, section fronts, top stories).
HOME = "home"
# Feeds and sitemaps that list articles: purged whenever any article is published or withdrawn.
FEEDS = "feeds"
# The On this day block: purged when a story from today's calendar day changes.
ALMANAC = "almanac"
# The list of notes on stories at /corrections/ and its feed: purged when any note changes.
CORRECTIONS = "corrections"

_ATTRIBUTE = "_dateline_cache_tags"
_UNTIL = "_dateline_cache_valid_until"


def page_tag(pk: int) -> str:
    """Return the tag of pages that show page `pk`: its own URL, cards, links and Related News."""
    return f"page-{pk}"


def section_articles_tag(pk: int) -> str:
    """Return the tag of the listing of section `pk` (every page of it)."""
    return f"section-articles-{pk}"


def author_tag(pk: int) -> str:
    """Return the tag of pages that show author `pk`'s name, bio or photo."""
    return f"author-{pk}"


def author_articles_tag(pk: int) -> str:
    """Return the tag of the listing of author `pk`'s stories."""
    return f"author-articles-{pk}"


def tag_tag(pk: int) -> str:
    """Return the tag of pages that show the (taggit) tag `pk`'s name."""
    return f"tag-{pk}"


def tag_articles_tag(pk: int) -> str:
    """Return the tag of the listing of stories carrying the (taggit) tag `pk`."""
    return f"tag-articles-{pk}"


def related_list_tag(pk: int) -> str:
    """Return the tag of the page showing article `pk`'s Related News list (its own page)."""
    return f"related-{pk}"


# The function that purges pages by tag, registered by the cache app when it starts
# (`cache_tags_purger_set`); features ask for purges through `cache_tags_purge`.
_purger: Callable[[tuple[str, ...]], None] | None = None


def cache_tags_purger_set(purger: Callable[[tuple[str, ...]], None] | None) -> None:
    """Register the function that purges the pages carrying given tags (the cache app's)."""
    global _purger
    _purger = purger


def cache_tags_purge(tags: Iterable[str]) -> None:
    """Ask for the pages carrying `tags` to be purged once the current transaction commits.

    For changes no Wagtail signal announces (a Related News list recomputed, an editor's pin):
    the feature names what changed and the cache, if installed, purges it. A no-op without one.
    """
    wanted = tuple(tags)
    if _purger is not None and wanted:
        _purger(wanted)


def cache_tags_add(request: HttpRequest | None, *tags: str | Iterable[str]) -> None:
    """Record that the page being rendered for `request` depends on `tags` (strings or iterables).

    A no-op without a request (e.g. a template rendered for an email), so callers need not check.
    """
    if request is None:
        return
    collected = getattr(request, _ATTRIBUTE, None)
    if collected is None:
        collected = set()
        setattr(request, _ATTRIBUTE, collected)
    for tag in tags:
        if isinstance(tag, str):
            collected.add(tag)
        else:
            collected.update(tag)


def cache_tags_of(request: HttpRequest) -> frozenset[str]:
    """Return the tags recorded for `request` so far (empty when nothing rendered through Wagtail)."""
    return frozenset(getattr(request, _ATTRIBUTE, ()))


def cache_valid_until(request: HttpRequest | None, moment: dt.datetime | None) -> None:
    """Record that the page being rendered for `request` changes by itself at `moment` (aware).

    For what a page shows by the clock rather than by an edit (a banner that starts or expires):
    no signal announces that instant, so the cache must not keep the page past it. The earliest
    moment recorded wins; a no-op without a request or a moment.
    """
    if request is None or moment is None:
        return
    current = getattr(request, _UNTIL, None)
    if current is None or moment < current:
        setattr(request, _UNTIL, moment)


def cache_valid_until_of(request: HttpRequest) -> dt.datetime | None:
    """Return the earliest moment the page rendered for `request` changes by itself, if any."""
    return getattr(request, _UNTIL, None)
