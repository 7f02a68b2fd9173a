from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Standard pages such as About Us and Contact."""

    name = "dateline.pages"
    label = "pages"
    verbose_name = "Standard pages"
