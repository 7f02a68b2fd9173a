import logging

from django.apps import AppConfig


class RelatedConfig(AppConfig):
    """Related News: which published stories to show beside an article."""

    name = "dateline.related"
    label = "related"
    verbose_name = "Related news"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete
        from wagtail.signals import page_published, page_unpublished

        from dateline.newsroom.models import ArticlePage
        from dateline.related import services, signals

        page_published.connect(signals.on_published, sender=ArticlePage, dispatch_uid="related")
        page_unpublished.connect(signals.on_unpublished, sender=ArticlePage, dispatch_uid="related")
        pre_delete.connect(signals.on_deleted, sender=ArticlePage, dispatch_uid="related")
        logging.getLogger(__name__).debug("Related News engine in %s mode", services.related_mode())
