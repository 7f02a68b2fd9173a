"""Keep the reader search's index current: connected in `SearchConfig.ready()`.

A story's document follows its page (saved, published, unpublished, deleted), its bylines and tags,
and the names of its authors and tags; a view restriction changes which stories are public.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from dateline.core.deferral import index_updates_are_deferred
from dateline.newsroom.models import ArticleAuthor, ArticlePage, ArticlePageTag, Author
from dateline.search import engine
from dateline.search.models import SearchDocument
from dateline.search.services import search_documents_update

# Stories being deleted: the bylines and tags deleted with them must not index them again.
_deleting: ContextVar[frozenset[int]] = ContextVar("dateline_search_deleting", default=frozenset())


def _update(ids: Iterable[int]) -> None:
    if index_updates_are_deferred():  # a bulk import: one rebuild follows its commit
        return
    wanted = [pk for pk in ids if pk not in _deleting.get()]
    if wanted:
        search_documents_update(article_ids=wanted)


def _page_changed(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    _update([instance.pk])


def _page_deleting(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    _deleting.set(_deleting.get() | {instance.pk})
    engine.documents_unindex([instance.pk])
    SearchDocument.objects.filter(pk=instance.pk).delete()


def _page_deleted(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    _deleting.set(_deleting.get() - {instance.pk})


def _byline_changed(sender: Any, instance: ArticleAuthor, **kwargs: Any) -> None:
    _update([instance.page_id])


def _tagging_changed(sender: Any, instance: ArticlePageTag, **kwargs: Any) -> None:
    _update([instance.content_object_id])


def _author_renamed(sender: Any, instance: Author, **kwargs: Any) -> None:
    ids = ArticleAuthor.objects.filter(author=instance).values_list("page_id", flat=True)
    _update(ids)


def _tag_renamed(sender: Any, instance: Tag, **kwargs: Any) -> None:
    _update(ArticlePageTag.objects.filter(tag=instance).values_list("content_object_id", flat=True))


def _restriction_changed(sender: Any, instance: PageViewRestriction, **kwargs: Any) -> None:
    page = Page.objects.filter(pk=instance.page_id).first()
    pages = ArticlePage.objects.descendant_of(page, inclusive=True) if page else None
    if pages is None:  # the restricted page itself is being deleted: its stories go with it
        return
    _update(pages.values_list("pk", flat=True))


def index_fill(sender: Any, **kwargs: Any) -> None:
    """After `migrate`, build the index when stories exist but none is indexed (a site upgraded to
    a version with this index, or restored without it)."""
    from dateline.search.services import search_index_rebuild

    if not SearchDocument.objects.exists() and ArticlePage.objects.live().public().exists():
        search_index_rebuild()


def connect() -> None:
    """Connect the handlers (idempotent: each has a dispatch uid)."""
    post_save.connect(_page_changed, sender=ArticlePage, dispatch_uid="search-page-saved")
    page_published.connect(_page_changed, sender=ArticlePage, dispatch_uid="search-published")
    page_unpublished.connect(_page_changed, sender=ArticlePage, dispatch_uid="search-unpublished")
    pre_delete.connect(_page_deleting, sender=ArticlePage, dispatch_uid="search-deleting")
    post_delete.connect(_page_deleted, sender=ArticlePage, dispatch_uid="search-deleted")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(_byline_changed, sender=ArticleAuthor, dispatch_uid=f"search-byline-{name}")
        signal.connect(
            _tagging_changed, sender=ArticlePageTag, dispatch_uid=f"search-tagging-{name}"
        )
        signal.connect(
            _restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"search-restriction-{name}",
        )
    post_save.connect(_author_renamed, sender=Author, dispatch_uid="search-author")
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="search-tag")
