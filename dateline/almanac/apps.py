from django.apps import AppConfig


class AlmanacConfig(AppConfig):
    """On this day: a curated almanac of events and the newsroom's own archive, for the reader's day."""

    name = "dateline.almanac"
    label = "almanac"
    verbose_name = "On this day"
