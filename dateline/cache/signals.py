"""Purge on change: connected in `CacheConfig.ready()`; newsroom never calls the cache.

Each handler works out the tags of the pages that show what changed and purges them after the
transaction commits, through `services.cache_purge_on_commit` (the one purge mechanism).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from dateline.almanac.selectors import calendar_day_shown
from dateline.cache.selectors import article_dependent_tags
from dateline.cache.services import cache_purge_on_commit
from dateline.core import cachetags, dates
from dateline.core.deferral import index_updates_are_deferred
from dateline.core.models import SiteSettings
from dateline.core.selectors import site_settings_for
from dateline.newsroom.models import ArticlePage, Author, HomePage

_BEFORE = "_dateline_cache_tags_before"


def _remember_article_before(sender, instance, **kwargs) -> None:
    """Before an article is saved or deleted, note what lists it now (sections, authors, tags)."""
    if instance.pk is not None and getattr(instance, "live", False):
        setattr(instance, _BEFORE, article_dependent_tags(article=instance))


def _page_tags(page) -> set[str]:
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    tags = {cachetags.page_tag(page.pk)}
    if isinstance(specific, ArticlePage):
        tags |= getattr(specific, _BEFORE, set()) | article_dependent_tags(article=specific)
    elif isinstance(specific, HomePage):
        tags.add(cachetags.HOME)
    return tags


def _on_publish_change(sender, instance, **kwargs) -> None:
    """Purge what a published or unpublished page changes."""
    if index_updates_are_deferred():  # a bulk import: one purge of everything follows its commit
        return
    cache_purge_on_commit(tags=_page_tags(instance))


def _on_move(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs) -> None:
    """Purge the moved page, both parents' listings and everything linking to its old URL."""
    tags = _page_tags(instance)
    for parent in (parent_page_before, parent_page_after):
        if parent is not None:
            tags.add(cachetags.section_articles_tag(parent.pk))
    cache_purge_on_commit(tags=tags)


def _on_article_delete(sender, instance, **kwargs) -> None:
    tags = getattr(instance, _BEFORE, set()) | {cachetags.page_tag(instance.pk)}
    cache_purge_on_commit(tags=tags)


def _on_settings_change(sender, instance, **kwargs) -> None:
    """Settings (name, About Us blurb, time zone, feed options) show everywhere: purge it all."""
    cache_purge_on_commit(tags=[cachetags.ALL])


def _on_author_change(sender, instance, **kwargs) -> None:
    cache_purge_on_commit(
        tags=[cachetags.author_tag(instance.pk), cachetags.author_articles_tag(instance.pk)]
    )


def _on_tag_change(sender, instance, **kwargs) -> None:
    cache_purge_on_commit(
        tags=[cachetags.tag_tag(instance.pk), cachetags.tag_articles_tag(instance.pk)]
    )


def _on_event_change(sender, instance, **kwargs) -> None:
    """An almanac event of today's calendar day changed: today's On this day block may change."""
    today = dates.local_today(site_settings_for().zone)
    if calendar_day_shown(month=instance.month, day=instance.day, today=today):
        cache_purge_on_commit(tags=[cachetags.ALMANAC])


def connect() -> None:
    """Connect the purge handlers (idempotent: each has a dispatch uid)."""
    pre_save.connect(_remember_article_before, sender=ArticlePage, dispatch_uid="cache-pre-save")
    pre_delete.connect(
        _remember_article_before, sender=ArticlePage, dispatch_uid="cache-pre-delete"
    )
    post_delete.connect(_on_article_delete, sender=ArticlePage, dispatch_uid="cache-delete")
    page_published.connect(_on_publish_change, dispatch_uid="cache-published")
    page_unpublished.connect(_on_publish_change, dispatch_uid="cache-unpublished")
    post_page_move.connect(_on_move, dispatch_uid="cache-moved")
    # Every registered settings model (site identity, feed options, checks) may change what pages
    # or feeds show.
    for model in {SiteSettings, *settings_registry}:
        post_save.connect(
            _on_settings_change, sender=model, dispatch_uid=f"cache-settings-{model._meta.label}"
        )
    # A site's host or root page changes every URL; a view restriction must stop cached copies of
    # the pages it now protects. Both are rare: purge everything (and the process memo with it).
    for model in (Site, PageViewRestriction):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                _on_settings_change, sender=model, dispatch_uid=f"cache-{model._meta.label}-{name}"
            )
    # The almanac's events, named by label: the cache reads the almanac only through its selectors.
    post_save.connect(_on_event_change, sender="almanac.Event", dispatch_uid="cache-event")
    post_delete.connect(_on_event_change, sender="almanac.Event", dispatch_uid="cache-event-del")
    post_save.connect(_on_author_change, sender=Author, dispatch_uid="cache-author")
    post_delete.connect(_on_author_change, sender=Author, dispatch_uid="cache-author-del")
    post_save.connect(_on_tag_change, sender=Tag, dispatch_uid="cache-tag")
    post_delete.connect(_on_tag_change, sender=Tag, dispatch_uid="cache-tag-del")
