from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site settings, shared blocks, dates and template tags; imports no other Dateline app."""

    name = "dateline.core"
    label = "core"
    verbose_name = "Dateline core"
