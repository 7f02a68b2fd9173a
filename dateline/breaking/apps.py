from django.apps import AppConfig


class BreakingConfig(AppConfig):
    """The site-wide breaking-news banner: one per site, edited under Settings, shown on every page."""

    name = "dateline.breaking"
    label = "breaking"
    verbose_name = "Breaking news"
