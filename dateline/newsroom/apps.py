from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """Home, section and article pages, authors and tags: the newsroom's content model."""

    name = "dateline.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"
