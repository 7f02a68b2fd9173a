from django.apps import AppConfig


class CacheConfig(AppConfig):
    """The page cache: stores pages for anonymous readers and purges them by tag on changes."""

    name = "dateline.cache"
    label = "dateline_cache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        # Purge exactly the pages that show what changed: connected here, never called by newsroom.
        from dateline.cache import signals, store
        from dateline.core import memo

        signals.connect()
        from dateline.cache.services import cache_purge_on_commit
        from dateline.core import cachetags

        # Features ask for purges through core (cachetags.cache_tags_purge), never through us.
        cachetags.cache_tags_purger_set(lambda tags: cache_purge_on_commit(tags=tags))
        # Stored CDN purges whose retry is overdue go out again on the worker's scheduler tick.
        from dateline.cache.tasks import cdn_purges_due
        from dateline.core.tasks import scheduler_job_register

        scheduler_job_register("cdn-purge-retry", cdn_purges_due)
        # Site-wide reads (navigation, settings) are remembered until the next purge moves the token.
        memo.token_source_set(store.current_seq)
