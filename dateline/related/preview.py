"""Related News for a preview: the list a story would have if it were published as it stands.

A draft has no stored list (lists are computed when a story is published), and a live story's
stored list belongs to its published text. The editor's preview must show what readers will see,
so the list is computed here from the previewed content, through the same index and ranking as
the publish path, and nothing is stored.
"""

from __future__ import annotations

from django.utils import timezone
from wagtail.models import Page

from dateline.newsroom.models import ArticlePage
from dateline.newsroom.selectors import article_sections
from dateline.related import engine, semantic
from dateline.related.config import related_mode, stored_limit
from dateline.related.index import candidates_find, document_frequencies
from dateline.related.models import RelatedProfile
from dateline.related.ranking import choices_read, entries_rank
from dateline.related.reading import body_text
from dateline.related.selectors import RelatedItem, aware_datetime


def preview_story(article: ArticlePage) -> engine.Story:
    """Return what the engine reads of `article` as the editor has it (unsaved changes included)."""
    return engine.Story(
        headline=article.title or "",
        standfirst=article.standfirst or "",
        body=body_text(article.body),
        tags=[tag.name for tag in article.tags.all()],
        sections=[section.pk for section in article_sections(article=article)],
    )


def related_preview(*, article: ArticlePage, limit: int) -> list[RelatedItem]:
    """Return the Related News list `article` would show if published now, most related first."""
    story = preview_story(article)
    profile = engine.story_profile(story)
    if not profile.counts:
        return []
    documents = RelatedProfile.objects.count() + 1
    vector = engine.profile_vector(
        profile, df=document_frequencies(profile.counts), documents=documents
    )
    embedding = semantic.stories_embed([story])[0] if related_mode() == engine.SEMANTIC else None
    published_at = article.published_at or article.go_live_at or timezone.now()
    own_id = article.pk or 0
    found = candidates_find(
        vector=vector, published_at=published_at, exclude=own_id, embedding=embedding
    )
    pins, excluded = choices_read([own_id]) if own_id else ({}, {})
    chosen, _floor = entries_rank(
        own_simhash=profile.simhash,
        entries=[entry for entry, _ in found],
        pins=pins.get(own_id, []),
        excluded=excluded.get(own_id, set()),
        article_id=own_id,
        limit=max(limit, stored_limit()),
    )
    ids = [entry.related_id for entry in chosen][:limit]
    rows = {
        pk: (title, url_path)
        for pk, title, url_path in Page.objects.live()
        .filter(pk__in=ids)
        .values_list("pk", "title", "url_path")
    }
    dates = dict(ArticlePage.objects.filter(pk__in=ids).values_list("pk", "published_at"))
    return [
        RelatedItem(pk, rows[pk][0], rows[pk][1], aware_datetime(dates.get(pk)))
        for pk in ids
        if pk in rows
    ]
