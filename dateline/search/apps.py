from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Reader search over published articles."""

    name = "dateline.search"
    label = "reader_search"
    verbose_name = "Reader search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Keep the search index current as stories change (`search.signals`)."""
        from django.db.models.signals import post_migrate

        from dateline.search import signals

        signals.connect()
        post_migrate.connect(signals.index_fill, sender=self, dispatch_uid="search-fill")
