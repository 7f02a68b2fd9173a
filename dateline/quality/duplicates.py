"""Find published stories that resemble a subject, for the duplicate-story check.

This is where the related-news engine plugs in once it can score near-duplicates: replace
`similar_stories_finder` with a call to `dateline.related.selectors` that returns the same `Similar`
values. Until then stories are compared by word-shingle MinHash (`fingerprint.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from dateline.newsroom.text import body_blocks
from dateline.quality.fingerprint import FingerprintIndex
from dateline.quality.subjects import BODY, Similar, Subject

# Candidates compared per article in the editor, so the panel stays fast on a large archive.
MAX_CANDIDATES = 2000


def article_plain_text(article) -> str:
    """Return the words of a story that make it that story: standfirst and body paragraphs."""
    texts = [article.standfirst or ""]
    for block in body_blocks(article.body):
        if block.kind == "paragraph":
            texts.append("\n\n".join(part.text for part in block.parts))
        elif block.kind in {"subheading", "quote"}:
            texts.append(block.field("text"))
    return "\n\n".join(text for text in texts if text)


def subject_plain_text(subject: Subject) -> str:
    """Return the standfirst and body of a subject, as `article_plain_text` does for pages."""
    parts = [subject.standfirst or ""] + [part.text for part in subject.texts(BODY)]
    return "\n\n".join(part for part in parts if part)


def index_finder(
    index: FingerprintIndex, labels: dict, urls: dict
) -> Callable[[Subject], list[Similar]]:
    """Return a finder that looks subjects up in a prepared fingerprint index."""

    def find(subject: Subject) -> list[Similar]:
        found = index.similar(subject_plain_text(subject), exclude=subject.page_id)
        return [Similar(label=labels[key], url=urls.get(key, ""), similarity=s) for key, s in found]

    return find


def similar_stories_finder(
    *, window_days: int, articles: Iterable | None = None
) -> Callable[[Subject], list[Similar]]:
    """Return a finder comparing a subject with live stories published within `window_days` of it.

    Pass `articles` (live ArticlePages) to index them once for a whole-site run; without it each
    lookup reads the stories around the subject's date, bounded by MAX_CANDIDATES.
    """
    from dateline.newsroom.models import ArticlePage

    if articles is not None:
        index, labels, urls = FingerprintIndex(), {}, {}
        for article in articles:
            index.add(article.pk, article_plain_text(article))
            labels[article.pk], urls[article.pk] = article.title, article.url or ""
        return index_finder(index, labels, urls)

    def find(subject: Subject) -> list[Similar]:
        when = subject.published_at or dt.datetime.now(dt.UTC)
        window = dt.timedelta(days=window_days)
        candidates = (
            ArticlePage.objects.live()
            .filter(published_at__range=(when - window, when + window))
            .exclude(pk=subject.page_id)
            .order_by("-published_at")[:MAX_CANDIDATES]
        )
        index, labels, urls = FingerprintIndex(), {}, {}
        for article in candidates:
            index.add(article.pk, article_plain_text(article))
            labels[article.pk], urls[article.pk] = article.title, article.url or ""
        return index_finder(index, labels, urls)(subject)

    return find
