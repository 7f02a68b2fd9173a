from django.apps import AppConfig


class CacheConfig(AppConfig):
    name = "dateline.cache"
    label = "dateline_cache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        # Purge exactly the pages that show what changed: connected here, never called by newsroom.
        from dateline.cache import signals

        signals.connect()
