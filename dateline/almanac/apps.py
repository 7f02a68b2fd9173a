from django.apps import AppConfig


class AlmanacConfig(AppConfig):
    """On this day: an entry from history for the reader's date."""

    name = "dateline.almanac"
    label = "almanac"
    verbose_name = "On this day"
