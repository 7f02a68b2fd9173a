"""Reads of the notes on stories, for the story's page, /corrections/, feeds, sitemaps and JSON-LD.

Only notes on stories readers can see are public: a live article without view restrictions on
the requested site. Other apps (distribution, quality) read notes only through this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max, QuerySet
from wagtail.models import Site

from dateline.core.memo import site_memo
from dateline.corrections.models import Correction
from dateline.newsroom.models import ArticlePage

# Set on an article once its notes are read, so the template tags and the JSON-LD of one render
# share one query.
_NOTES = "_dateline_notes"


def noted_article_ids() -> frozenset[int]:
    """Return the ids of the articles that have notes, remembered until the content changes.

    Few stories carry notes, so a story's page asks the database for its notes only when it has
    some: the others render without the query (`core.memo`; every note written through the
    services purges, which moves the memo's token).
    """
    return site_memo(
        "corrections-noted-articles",
        lambda: frozenset(
            Correction.objects.order_by().values_list("article_id", flat=True).distinct()
        ),
    )


def article_notes(*, article: ArticlePage) -> list[Correction]:
    """Return the notes on `article`, oldest first (the order readers read them in).

    An unsaved article (the editor's preview of a new story) has none.
    """
    if not article.pk:
        return []
    cached = getattr(article, _NOTES, None)
    if cached is None:
        cached = []
        if article.pk in noted_article_ids():
            notes = Correction.objects.filter(article_id=article.pk).order_by("made_at", "pk")
            cached = list(notes)
        setattr(article, _NOTES, cached)
    return cached


def article_noted_at(*, article: ArticlePage) -> dt.datetime | None:
    """Return when the latest note on `article` was made, or None without notes."""
    notes = article_notes(article=article)
    return max((note.made_at for note in notes), default=None)


def article_updated_at(*, article: ArticlePage) -> dt.datetime | None:
    """Return the story's last-updated time for readers and machines: its own, or a later note's.

    A note bumps the last-updated time without a new revision, so a later edit of the story
    (which carries its own `updated_at`) can never take the bump back.
    """
    moments = (article.display_updated_at, article_noted_at(article=article))
    return max((moment for moment in moments if moment is not None), default=None)


def article_shows_update(*, article: ArticlePage) -> bool:
    """Return whether the story shows an "Updated" line: its own material change, or a note that
    marks one (every correction and retraction does)."""
    if any(note.shows_update for note in article_notes(article=article)):
        return True
    return article.shows_update


def latest_note_times(*, articles: QuerySet[ArticlePage]) -> dict[int, dt.datetime]:
    """Return {article id: its latest note's time} for the noted ones among `articles`.

    For bulk reads such as sitemaps' `lastmod`: the notes are grouped first (few rows), then only
    those stories are looked up among `articles`, so no query joins the archive to the notes.
    """
    latest = dict(
        Correction.objects.order_by()
        .values("article_id")
        .annotate(latest=Max("made_at"))
        .values_list("article_id", "latest")
    )
    if not latest:
        return {}
    kept = articles.filter(pk__in=list(latest)).values_list("pk", flat=True)
    return {pk: latest[pk] for pk in kept}


def public_notes(*, site: Site | None) -> QuerySet[Correction]:
    """Return the notes readers may see on `site`, newest first, with their stories."""
    articles = ArticlePage.objects.live().public()
    if site is not None:
        articles = articles.filter(path__startswith=site.root_page.path)
    return (
        Correction.objects.filter(article__in=articles.values("pk"))
        .select_related("article")
        .order_by("-made_at", "-pk")
    )


def notes_by_article(*, articles: Iterable[ArticlePage]) -> dict[int, list[Correction]]:
    """Return the notes of `articles` keyed by article id, oldest first (one query for a feed)."""
    ids = [article.pk for article in articles]
    grouped: dict[int, list[Correction]] = {pk: [] for pk in ids}
    for note in Correction.objects.filter(article_id__in=ids).order_by("made_at", "pk"):
        grouped[note.article_id].append(note)
    return grouped
