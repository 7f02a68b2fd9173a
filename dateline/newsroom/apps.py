from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Home, section and article pages, authors and tags: the newsroom's content model."""

    name = "dateline.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        """Give the page types their template context (read through the selectors)."""
        from dateline.newsroom.contexts import contexts_register

        contexts_register()
