"""Editorial quality checks: filler text, wrong dates, duplicate stories, sections, completeness."""

from __future__ import annotations

from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "dateline.quality"
    label = "quality"
    verbose_name = "Editorial quality"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing the checks package registers every check module.
        from dateline.quality import checks  # noqa: F401
        from dateline.quality.panels import quality_panel_install

        quality_panel_install()

        from dateline.core.publishing import publish_guard_register
        from dateline.quality.policy import quality_guard

        publish_guard_register("quality", quality_guard)

        from dateline.core.settings_guards import settings_guard_register
        from dateline.quality.policy import settings_guard

        settings_guard_register("quality", settings_guard)
