from django.apps import AppConfig


class DistributionConfig(AppConfig):
    """Feeds, sitemaps, structured data and social cards: what outside readers of the site consume."""

    name = "dateline.distribution"
    label = "distribution"
    verbose_name = "Distribution"
