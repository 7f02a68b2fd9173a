from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site settings, shared blocks, dates and template tags; imports no other Dateline app."""

    name = "dateline.core"
    label = "core"
    verbose_name = "Dateline core"

    def ready(self) -> None:
        """Make the newsroom's time zone the admin's clock; prune old task rows on the scheduler."""
        from dateline.core import admintime
        from dateline.core.scheduler import PRUNE, task_results_prune
        from dateline.core.tasks import scheduler_job_register

        admintime.install()
        scheduler_job_register(PRUNE, task_results_prune)
