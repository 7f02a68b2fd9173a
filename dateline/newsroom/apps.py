from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Home, section and article pages, authors and tags: the newsroom's content model."""

    name = "dateline.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        """Give the page types their template context; publish what is due on every scheduler tick."""
        from dateline.core.tasks import scheduler_job_register
        from dateline.newsroom.contexts import contexts_register

        contexts_register()
        scheduler_job_register("publish-scheduled", _publish_scheduled)


def _publish_scheduled() -> str:
    """Publish the due revisions and expire pages through the one publish path (the guards run)."""
    from dateline.newsroom.services import scheduled_publish_run

    run = scheduled_publish_run()
    return f"published {len(run.published)}, expired {len(run.expired)}, held {len(run.held)}"
