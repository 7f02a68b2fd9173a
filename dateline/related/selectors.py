"""Reads of Related News: the stored list of an article, and why each story is on it.

Lists are computed ahead of time by `dateline.related.services` (on publish and by rebuilds), so the
reader's block is one indexed query that also drops anything no longer live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page

from dateline.core.routing import page_url
from dateline.newsroom.models import ArticlePage
from dateline.related import engine
from dateline.related.models import RelatedChoice, RelatedLink, RelatedProfile


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """One story of a Related News block: what the block shows of it."""

    pk: int
    title: str
    url_path: str
    published_at: dt.datetime | None

    def url(self, request: HttpRequest | None = None) -> str | None:
        """Return the story's link, as `{% pageurl %}` would give it."""
        return page_url(url_path=self.url_path, request=request)


def _block_sql() -> str:
    link, page = RelatedLink._meta.db_table, Page._meta.db_table
    article = ArticlePage._meta.db_table
    return (
        f"SELECT p.id, p.title, p.url_path, a.published_at FROM {link} l "  # noqa: S608 - tables
        f"JOIN {page} p ON p.id = l.related_id JOIN {article} a ON a.page_ptr_id = p.id "
        "WHERE l.article_id = %s AND p.live = %s AND p.id <> %s ORDER BY l.rank LIMIT %s"
    )


def _aware(value: object) -> dt.datetime | None:
    """Return a database datetime as an aware one (SQLite hands plain SQL a string, in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value if isinstance(value, dt.datetime) else None


def related_articles(*, article: ArticlePage, limit: int = 5) -> list[RelatedItem]:
    """Return up to `limit` published stories related to `article`, most related first.

    One query on the stored list (its `(article, rank)` index, joined to the live pages); never the
    article itself or an unpublished story. Plain SQL returning only what the block shows: on every
    uncached article view, building five whole pages through the ORM cost more than the rest of
    the block.
    """
    if article.pk is None or limit <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_block_sql(), [article.pk, True, article.pk, limit])
        rows = cursor.fetchall()
    return [RelatedItem(pk, title, url_path, _aware(when)) for pk, title, url_path, when in rows]


def related_explained(*, article: ArticlePage) -> list[dict]:
    """Return the article's stored list with scores and reasons, for the editors' admin view.

    The shared names, terms, tags and sections are worked out here from the two stories' stored
    vectors with `engine.reasons` (lists store only the score, the gap in days and the text
    similarity, which keeps rebuilding a large archive fast).
    """
    links = list(RelatedLink.objects.filter(article_id=article.pk).order_by("rank"))
    related_ids = [link.related_id for link in links]
    titles = dict(ArticlePage.objects.filter(pk__in=related_ids).values_list("pk", "title"))
    vectors = dict(
        RelatedProfile.objects.filter(pk__in=[article.pk, *related_ids]).values_list("pk", "vector")
    )
    own = vectors.get(article.pk, {})
    out = []
    for link in links:
        why = dict(link.reasons or {})
        other = vectors.get(link.related_id)
        if own and other:
            why = {**engine.reasons(own, other), **why}
        out.append(
            {
                "related_id": link.related_id,
                "title": titles.get(link.related_id, f"#{link.related_id}"),
                "rank": link.rank,
                "score": link.score,
                "pinned": link.pinned,
                "reasons": why,
            }
        )
    return out


def related_choices(*, article: ArticlePage) -> list[RelatedChoice]:
    """Return the editors' pins and exclusions for `article`, oldest first."""
    return list(RelatedChoice.objects.filter(article_id=article.pk).order_by("created_at", "pk"))


def related_profile(*, article: ArticlePage) -> RelatedProfile | None:
    """Return the engine's stored profile of `article` (None when it is not published)."""
    return RelatedProfile.objects.filter(pk=article.pk).first()
