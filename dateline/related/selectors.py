"""Reads of Related News: the stored list of an article, and why each story is on it.

Lists are computed ahead of time by `dateline.related.services` (on publish and by rebuilds), so the
reader's block is one indexed query that also drops anything no longer live.
"""

from __future__ import annotations

from django.db.models import F

from dateline.newsroom.models import ArticlePage
from dateline.related import engine
from dateline.related.models import RelatedChoice, RelatedLink, RelatedProfile

# What the Related News block and its cache tags use of each story.
BLOCK_FIELDS = ("title", "url_path", "published_at", "first_published_at", "live", "locale_id")


def related_articles(*, article: ArticlePage, limit: int = 5) -> list[ArticlePage]:
    """Return up to `limit` published stories related to `article`, most related first.

    One query on the stored list (the `(article, rank)` index, joined to live pages); never the
    article itself or an unpublished story. Only what the block shows is read (title, URL path,
    date): loading whole pages, bodies included, cost more than the query itself.
    """
    if article.pk is None or limit <= 0:
        return []
    return list(
        ArticlePage.objects.live()
        .filter(related_in__article_id=article.pk)
        .exclude(pk=article.pk)
        .only(*BLOCK_FIELDS)
        .annotate(related_rank=F("related_in__rank"))
        .order_by("related_rank")[:limit]
    )


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
