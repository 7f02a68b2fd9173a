"""The page cache's one table: CDN purges not yet confirmed, so none is ever lost."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CdnPurge(models.Model):
    """URLs to purge at the CDN: written before the publish returns, deleted once delivered.

    The worker delivers it (`cache.tasks.cdn_purge_deliver`); a failed delivery is retried with
    back-off, and the scheduler sends again any purge whose next attempt is due, so a purge
    outlives a CDN outage, a lost task or a worker restart.
    """

    urls = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]

    def __str__(self) -> str:
        return f"CDN purge of {len(self.urls)} URLs ({self.attempts} attempts)"
