"""Keep stored Related News lists current when articles are published, unpublished or deleted.

Publish and unpublish hand the refresh to the worker (`related.tasks`, after the commit), so the
editor's request does not wait for it; a deletion withdraws at once, before the rows go.
"""

from __future__ import annotations

from typing import Any

from dateline.core.deferral import index_updates_are_deferred
from dateline.core.tasks import task_defer
from dateline.newsroom.models import ArticlePage
from dateline.related import services
from dateline.related.tasks import related_article_sync


def on_published(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    """Refresh the published article's list and the lists it now belongs in (in the worker)."""
    if index_updates_are_deferred():  # a bulk import: one rebuild follows its commit
        return
    task_defer(related_article_sync, instance.pk)


def on_unpublished(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    """Withdraw the article from every list and refill those lists (in the worker)."""
    task_defer(related_article_sync, instance.pk)


def on_deleted(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    """Withdraw a deleted article before its rows go."""
    services.related_article_withdraw(article_id=instance.pk)
