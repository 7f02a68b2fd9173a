from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Home, section and article pages, authors and tags: the newsroom's content model."""

    name = "dateline.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        """Give the page types their template context; publish what is due on every scheduler tick;
        let no path publish a story before its embargo."""
        from dateline.core.publishing import publish_guard_register
        from dateline.core.tasks import scheduler_job_register
        from dateline.newsroom.contexts import contexts_register
        from dateline.newsroom.embargo import embargo_guard

        contexts_register()
        scheduler_job_register("publish-scheduled", _publish_scheduled)
        publish_guard_register("embargo", embargo_guard)


def _publish_scheduled() -> str:
    """Publish the due revisions and expire pages through the one publish path (the guards run)."""
    from dateline.newsroom.services import scheduled_publish_run

    run = scheduled_publish_run()
    return f"published {len(run.published)}, expired {len(run.expired)}, held {len(run.held)}"
