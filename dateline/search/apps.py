from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Reader search over published articles."""

    name = "dateline.search"
    label = "reader_search"
    verbose_name = "Reader search"
