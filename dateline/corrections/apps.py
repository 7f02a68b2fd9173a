from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    """Corrections, clarifications, editor's notes and retractions: notes on published stories."""

    name = "dateline.corrections"
    label = "corrections"
    verbose_name = "Corrections"
    default_auto_field = "django.db.models.BigAutoField"
