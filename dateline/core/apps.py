from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site settings, shared blocks, dates and template tags; imports no other Dateline app."""

    name = "dateline.core"
    label = "core"
    verbose_name = "Dateline core"

    def ready(self) -> None:
        """Make the newsroom's time zone the admin's clock; on the scheduler, prune old task rows
        and run again the tasks of workers that died."""
        from dateline.core import admintime
        from dateline.core.scheduler import (
            PRUNE,
            RECOVER,
            lost_tasks_recover,
            task_results_prune,
        )
        from dateline.core.tasks import scheduler_job_register

        admintime.install()
        scheduler_job_register(PRUNE, task_results_prune)
        scheduler_job_register(RECOVER, lost_tasks_recover)
