from django.apps import AppConfig


class RelatedConfig(AppConfig):
    """Related News: which published stories to show beside an article."""

    name = "dateline.related"
    label = "related"
    verbose_name = "Related news"
