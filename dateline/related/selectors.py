"""Reads of Related News: the stored list of an article, and why each story is on it.

Lists are computed ahead of time by `dateline.related.services` (on publish and by rebuilds), so the
reader's block is one indexed query that also drops anything no longer live.
"""

from __future__ import annotations

import functools

from django.db import connection
from wagtail.models import Page

from dateline.newsroom.models import ArticlePage
from dateline.related import engine
from dateline.related.models import RelatedChoice, RelatedLink, RelatedProfile


@functools.cache
def _block_sql(vendor: str) -> str:
    """Return the block's query: the stored list's rows in rank order, joined to live pages.

    Written once per process and database vendor: building the same query with the ORM on every
    page view cost ten times what the database spends on it. It reads only what the block and its
    cache tags use.
    """
    quote = connection.ops.quote_name
    page, article, link = (
        Page._meta.db_table,
        ArticlePage._meta.db_table,
        RelatedLink._meta.db_table,
    )
    return (
        "SELECT p.id, p.title, p.url_path, p.live, p.locale_id, p.first_published_at, "
        f"a.page_ptr_id, a.published_at, l.{quote('rank')} AS related_rank "
        f"FROM {link} l JOIN {article} a ON a.page_ptr_id = l.related_id "
        f"JOIN {page} p ON p.id = a.page_ptr_id "
        f"WHERE l.article_id = %s AND p.live = %s AND p.id <> %s ORDER BY l.{quote('rank')} "
        "LIMIT %s"
    )


def related_articles(*, article: ArticlePage, limit: int = 5) -> list[ArticlePage]:
    """Return up to `limit` published stories related to `article`, most related first.

    One query on the stored list (the `(article, rank)` index, joined to live pages by primary
    key); never the article itself or an unpublished story.
    """
    if article.pk is None or limit <= 0:
        return []
    sql = _block_sql(connection.vendor)
    return list(ArticlePage.objects.raw(sql, [article.pk, True, article.pk, limit]))


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
