"""The engine's view of articles: what it reads of each live, public story, in a few queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Page

from dateline.newsroom import text
from dateline.newsroom.models import ArticlePage, ArticlePageTag
from dateline.related import engine


@dataclass
class ArchiveItem:
    """One story to profile: its id, what the engine reads, and its date."""

    article_id: int
    story: engine.Story
    published_at: dt.datetime


def body_text(body: object) -> str:
    """Return the plain text of an article body as the engine reads it (`newsroom.text.body_text`).

    The stored profiles, fingerprints and embedding keys were computed from this text, so the text
    layer keeps this reading exactly (tested against frozen outputs in tests/test_reading.py).
    """
    return text.body_text(body)


def article_items(*, ids: Iterable[int] | None = None) -> list[ArchiveItem]:
    """Return the engine's view of the live, public articles (all, or those in `ids`), in 4 queries."""
    pages = ArticlePage.objects.live().public()
    if ids is not None:
        pages = pages.filter(pk__in=list(ids))
    rows = list(
        pages.values_list(
            "pk", "title", "standfirst", "body", "path", "published_at", "first_published_at"
        )
    )
    pks = [row[0] for row in rows]
    tags: dict[int, list[str]] = {}
    for pk, name in ArticlePageTag.objects.filter(content_object_id__in=pks).values_list(
        "content_object_id", "tag__name"
    ):
        tags.setdefault(pk, []).append(name)
    sections: dict[int, list[int]] = {}
    through = ArticlePage.additional_sections.through
    for pk, section_id in through.objects.filter(articlepage_id__in=pks).values_list(
        "articlepage_id", "sectionpage_id"
    ):
        sections.setdefault(pk, []).append(section_id)
    parent_ids = dict(
        Page.objects.filter(
            path__in={row[4][: -Page.steplen] for row in rows if len(row[4]) > Page.steplen}
        ).values_list("path", "pk")
    )
    items = []
    for pk, title, standfirst, body, path_, published_at, first_published_at in rows:
        parent = parent_ids.get(path_[: -Page.steplen])
        story = engine.Story(
            headline=title,
            standfirst=standfirst,
            body=body_text(body),
            tags=tags.get(pk, []),
            sections=[s for s in [parent, *sections.get(pk, [])] if s is not None],
        )
        items.append(ArchiveItem(pk, story, published_at or first_published_at or timezone.now()))
    return items
