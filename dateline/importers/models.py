"""Bookkeeping for imports: which source item became which Dateline object.

The mapping makes imports idempotent: a second run finds each item's earlier result by its source key
(for WordPress, the site's URL plus the item's id) and updates it, or skips it when the item is
unchanged (same checksum), instead of creating a duplicate.
"""

from __future__ import annotations

from django.db import models


class ImportedItem(models.Model):
    """One item of an imported archive and the object it became."""

    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress export"
        HTML = "html", "saved page"

    source = models.CharField(max_length=20, choices=Source.choices)
    # The archive the item comes from: a WordPress site's base URL, or the host of a saved page.
    origin = models.CharField(max_length=255)
    # post, page, category, tag, author, attachment, article (for saved pages).
    kind = models.CharField(max_length=20)
    # The item's id in its source: a WordPress id, a login, or a canonical URL / file hash.
    source_id = models.CharField(max_length=500)
    # The Dateline object: a page id, an author id, a tag id or an image id, by kind.
    target_id = models.BigIntegerField(null=True, blank=True)
    # A hash of the item's imported data, so an unchanged item is skipped on the next run.
    checksum = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "origin", "kind", "source_id"], name="importers_item_unique"
            )
        ]
        verbose_name = "imported item"

    def __str__(self) -> str:
        return f"{self.source}:{self.origin}:{self.kind}:{self.source_id}"
