"""Keep stored Related News lists current when articles are published, unpublished or deleted."""

from __future__ import annotations

import logging
from typing import Any

from dateline.core.deferral import index_updates_are_deferred
from dateline.newsroom.models import ArticlePage
from dateline.related import config, services

logger = logging.getLogger(__name__)


def on_published(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    """Refresh the published article's list and the lists it now belongs in."""
    if index_updates_are_deferred():  # a bulk import: one rebuild follows its commit
        return
    summary = services.related_article_refresh(article_id=instance.pk)
    logger.info(
        "related (%s): article %s has %s related, entered %s lists, refilled %s",
        config.related_mode(),
        instance.pk,
        summary.own,
        summary.inserted_into,
        summary.refilled,
    )


def on_unpublished(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    """Withdraw the article from every list and refill those lists."""
    services.related_article_withdraw(article_id=instance.pk)


def on_deleted(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    """Withdraw a deleted article before its rows go."""
    services.related_article_withdraw(article_id=instance.pk)
