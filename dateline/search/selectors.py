"""Reader search: published articles matching a query, through Wagtail's search backend."""

from __future__ import annotations

from dateline.newsroom.models import ArticlePage

MAX_QUERY_LENGTH = 200


def clean_query(raw: str | None) -> str:
    """Return the reader's query trimmed, whitespace-collapsed and capped, so any input is safe."""
    if not raw:
        return ""
    text = " ".join(raw.replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH]


def search_articles(*, query: str):
    """Return live, public articles matching `query`, best match first (empty for an empty query)."""
    if not query:
        return ArticlePage.objects.none()
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("lead_image")
        .prefetch_related("article_authors__author")
        .search(query, operator="and")
    )
