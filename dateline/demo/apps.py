from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content written for the project, and the command that loads it."""

    name = "dateline.demo"
    label = "demo"
    verbose_name = "Demo content"
