from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Bring archives in: WordPress exports (WXR), saved article pages and plain-text captures."""

    name = "dateline.importers"
    label = "importers"
    verbose_name = "Importers"
    default_auto_field = "django.db.models.BigAutoField"
