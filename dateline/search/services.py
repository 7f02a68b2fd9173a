"""Writes of the reader search's index: a story's document and the archive's vocabulary.

Kept current by this app's signal handlers (`search.signals`: a story published, unpublished,
deleted, re-credited or re-tagged, an author or tag renamed) and rebuilt whole by
`dateline search rebuild`. Only live, public stories have a document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.db.models import F

from dateline.newsroom.models import ArticleAuthor, ArticlePage, ArticlePageTag
from dateline.newsroom.text import body_blocks
from dateline.search import engine
from dateline.search.models import SearchDocument, SearchTerm

# Words of the vocabulary: letters only (no numbers), three or more of them.
_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_WORD = SearchTerm._meta.get_field("word").max_length or 64


def text_words(text: str) -> set[str]:
    """Return the distinct words of `text`, lower-cased, as the vocabulary keeps them."""
    return {word for word in _WORD.findall(text.lower()) if len(word) <= MAX_WORD}


def _document_words(document: SearchDocument) -> set[str]:
    return text_words(
        " ".join(
            (document.title, document.standfirst, document.people, document.tags, document.body)
        )
    )


def _documents_build(ids: Iterable[int] | None) -> list[SearchDocument]:
    """Return the documents of the live, public stories among `ids` (all when None)."""
    pages = ArticlePage.objects.live().public()
    if ids is not None:
        pages = pages.filter(pk__in=list(ids))
    pages = list(
        pages.only("pk", "title", "standfirst", "body", "published_at", "first_published_at")
    )
    people: dict[int, list[str]] = {}
    tags: dict[int, list[str]] = {}
    wanted = [page.pk for page in pages]
    for page_id, name in (
        ArticleAuthor.objects.filter(page_id__in=wanted)
        .order_by("page_id", "sort_order")
        .values_list("page_id", "author__name")
    ):
        people.setdefault(page_id, []).append(name)
    for page_id, name in ArticlePageTag.objects.filter(content_object_id__in=wanted).values_list(
        "content_object_id", "tag__name"
    ):
        tags.setdefault(page_id, []).append(name)
    return [
        SearchDocument(
            page_id=page.pk,
            published_at=page.published_at or page.first_published_at,
            title=page.title,
            standfirst=page.standfirst or "",
            people=", ".join(people.get(page.pk, [])),
            tags=", ".join(sorted(tags.get(page.pk, []))),
            body="\n".join(block.text for block in body_blocks(page.body) if block.text),
        )
        for page in pages
    ]


def _vocabulary_change(added: Counter[str], removed: Counter[str]) -> None:
    """Add `added` to the stories' counts of each word and take `removed` away."""
    changed = added.copy()
    changed.subtract(removed)
    grow = {word: count for word, count in changed.items() if count > 0}
    shrink = {word: -count for word, count in changed.items() if count < 0}
    if grow:
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=word, documents=0) for word in grow], ignore_conflicts=True
        )
        for word, count in grow.items():
            SearchTerm.objects.filter(word=word).update(documents=F("documents") + count)
    for word, count in shrink.items():
        SearchTerm.objects.filter(word=word, documents__gte=count).update(
            documents=F("documents") - count
        )


@transaction.atomic
def search_documents_update(*, article_ids: Sequence[int]) -> int:
    """Bring the documents of these stories up to date: (re)index the live, public ones, drop the
    others. Return how many are indexed now."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return 0
    old = {document.pk: document for document in SearchDocument.objects.filter(pk__in=ids)}
    new = {document.pk: document for document in _documents_build(ids)}
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for pk in set(old) | set(new):
        before = _document_words(old[pk]) if pk in old else set()
        after = _document_words(new[pk]) if pk in new else set()
        added.update(after - before)
        removed.update(before - after)
    gone = [pk for pk in old if pk not in new]
    if gone:
        engine.documents_unindex(gone)
        SearchDocument.objects.filter(pk__in=gone).delete()
    for document in new.values():
        document.save()
    engine.documents_write(list(new.values()))
    _vocabulary_change(added, removed)
    return len(new)


@transaction.atomic
def search_index_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Index every live, public story from scratch, and count the vocabulary again; return how many.

    Safe to run at any time (one transaction: readers search the old index until it commits).
    """
    engine.index_clear()
    SearchDocument.objects.all().delete()
    SearchTerm.objects.all().delete()
    vocabulary: Counter[str] = Counter()
    ids = list(ArticlePage.objects.live().public().values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), 500):
        documents = _documents_build(ids[start : start + 500])
        SearchDocument.objects.bulk_create(documents)
        engine.documents_write(documents)
        for document in documents:
            vocabulary.update(_document_words(document))
        done += len(documents)
        if progress is not None:
            progress(len(documents))
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word, documents=count) for word, count in vocabulary.items()],
        batch_size=2000,
    )
    return done
