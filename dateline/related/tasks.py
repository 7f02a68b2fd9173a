"""Related News work that runs in the worker, after the publish that asked for it has committed."""

from __future__ import annotations

import logging

from django_tasks import task

from dateline.related import config, services

logger = logging.getLogger(__name__)


@task()
def related_article_sync(article_id: int) -> dict[str, int | bool]:
    """Bring the article's Related News to its state now: refreshed if live, else withdrawn.

    One task for publish and unpublish alike, reading the page as it is when the task runs, so
    tasks that run late or out of order still leave the lists right. Both directions: the story's
    own list (with its semantic encoding) and the lists it enters or leaves; the pages showing
    those lists are purged by the storage layer as it writes them.
    """
    summary = services.related_article_refresh(article_id=article_id)
    logger.info(
        "related (%s): article %s has %s related, entered %s lists, refilled %s",
        config.related_mode(),
        article_id,
        summary.own,
        summary.inserted_into,
        summary.refilled,
    )
    return {
        "own": summary.own,
        "inserted_into": summary.inserted_into,
        "refilled": summary.refilled,
        "removed": summary.removed,
    }
