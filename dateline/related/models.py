"""Stored related-news lists, the engine's per-article vectors, and the editors' pins and exclusions.

Foreign keys to articles carry no database constraint so the scale benchmark can load a large archive
straight into the engine's storage; deletions are still cascaded by Django and handled by signals.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def _article_fk(related_name: str, **kwargs: Any) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        "newsroom.ArticlePage",
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name=related_name,
        **kwargs,
    )


class RelatedProfile(models.Model):
    """One published article as the engine sees it: its weighted features and text fingerprint."""

    article = models.OneToOneField(
        "newsroom.ArticlePage",
        on_delete=models.CASCADE,
        db_constraint=False,
        primary_key=True,
        related_name="related_profile",
    )
    published_at = models.DateTimeField(db_index=True)
    vector = models.JSONField(default=dict, help_text="Feature -> weight, L2-normalised.")
    simhash = models.BigIntegerField(default=0)
    # The lowest automatic score in the article's stored list (0 while the list is not full): a new
    # story enters this list only when it scores above it.
    floor = models.FloatField(default=0.0)
    mode = models.CharField(max_length=20, default="lexical")
    # Semantic mode: the story's sentence embedding (384 little-endian float32), and a fingerprint of
    # the model and text it came from, so a rebuild re-encodes only what changed. Null in lexical mode.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_key = models.CharField(max_length=32, blank=True, default="", db_default="")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "related-news profile"

    def __str__(self) -> str:
        return f"Profile of {self.article_id}"


class RelatedTerm(models.Model):
    """How many profiled articles carry a feature: the archive's document frequency."""

    term = models.CharField(max_length=255, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.df}"


class RelatedPosting(models.Model):
    """An inverted-index entry: an article and one of its strongest features, for candidate search."""

    term = models.CharField(max_length=255)
    # Indexed below; a second, automatic index on the column would only slow the rebuild.
    article = _article_fk("+", db_index=False)
    published_at = models.DateTimeField()
    weight = models.FloatField()

    class Meta:
        indexes = [
            # Covers the publish path's read (a feature's heaviest postings inside the age window),
            # so the database never visits the table for it.
            models.Index(
                fields=["term", "-weight", "published_at", "article"],
                name="related_posting_covering",
            ),
            models.Index(fields=["article"], name="related_posting_article"),
        ]

    def __str__(self) -> str:
        return f"{self.term} -> {self.article_id}"


class RelatedLink(models.Model):
    """One entry of an article's stored Related News list, in rank order, with why it was chosen."""

    # Both columns are indexed below (and by the unique constraint); no automatic indexes.
    article = _article_fk("related_links", db_index=False)
    related = _article_fk("related_in", db_index=False)
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=dict, blank=True)
    pinned = models.BooleanField(default=False)
    related_simhash = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["article", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_link_unique")
        ]
        indexes = [
            models.Index(fields=["article", "rank"], name="related_link_article_rank"),
            models.Index(fields=["related"], name="related_link_related"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.rank}: {self.related_id}"


class RelatedChoice(models.Model):
    """An editor's decision about one story in an article's list: always show it, or never."""

    PIN = "pin"
    EXCLUDE = "exclude"
    ACTIONS = [(PIN, "Pin"), (EXCLUDE, "Exclude")]

    article = _article_fk("related_choices")
    related = _article_fk("+")
    action = models.CharField(max_length=10, choices=ACTIONS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_choice_unique")
        ]
        # Checked by the admin's Related News view before any pin, exclusion or clear
        # (docs/permissions.md).
        permissions = [("change_related_choices", "Can pin and exclude Related News stories")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.related_id} on {self.article_id}"
