"""Reader search: published articles matching a query, through Wagtail's search backend."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from dateline.newsroom.models import ArticlePage

MAX_QUERY_LENGTH = 200


def clean_query(raw: str | None) -> str:
    """Return the reader's query trimmed, whitespace-collapsed and capped, so any input is safe."""
    if not raw:
        return ""
    text = " ".join(raw.replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH]


def search_terms(query: str) -> list[str]:
    """Return the words of `query`, lower-cased, without the punctuation and operators that
    full-text engines read as syntax (quotes, `*`, `-`, AND/OR/NOT/NEAR)."""
    return [word for word in re.findall(r"\w+", query.lower()) if word not in _OPERATORS]


_OPERATORS = {"and", "or", "not", "near"}


def search_articles(*, query: str) -> QuerySet[ArticlePage]:
    """Return live, public articles matching `query`, best match first (empty for an empty query)."""
    terms = search_terms(query)
    if not terms:
        return ArticlePage.objects.none()
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("lead_image")
        .prefetch_related("article_authors__author")
        .search(" ".join(terms), operator="and")
    )
