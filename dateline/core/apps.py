from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site settings, shared blocks, dates and template tags; imports no other Dateline app."""

    name = "dateline.core"
    label = "core"
    verbose_name = "Dateline core"

    def ready(self) -> None:
        """Make the newsroom's time zone the admin's clock (`core.admintime`)."""
        from dateline.core import admintime

        admintime.install()
