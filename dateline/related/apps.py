import logging

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class RelatedConfig(AppConfig):
    """Related News: which published stories to show beside an article."""

    name = "dateline.related"
    label = "related"
    verbose_name = "Related news"

    def ready(self) -> None:
        """Connect the publish signals; refuse a mode this installation cannot run, at start-up."""
        from django.db.models.signals import pre_delete
        from wagtail.signals import page_published, page_unpublished

        from dateline.newsroom.models import ArticlePage
        from dateline.related import config, signals

        page_published.connect(signals.on_published, sender=ArticlePage, dispatch_uid="related")
        page_unpublished.connect(signals.on_unpublished, sender=ArticlePage, dispatch_uid="related")
        pre_delete.connect(signals.on_deleted, sender=ArticlePage, dispatch_uid="related")
        from dateline.related.panels import related_panel_install

        related_panel_install()
        # A deployment that asks for semantic mode without the model stops here, not at a publish.
        try:
            mode = config.related_mode()
        except (RuntimeError, ValueError) as error:
            raise ImproperlyConfigured(f"DATELINE_RELATED_MODE: {error}") from error
        logging.getLogger(__name__).debug("Related News engine in %s mode", mode)
