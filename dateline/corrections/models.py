"""A note on a published story: a correction, clarification, editor's note or retraction.

A note is its own record, not part of the story's revisions: adding one needs no re-edit of the body,
and a later edit of the story never loses it. Notes are written through `services.py`, which bumps
the story's last-updated time, logs the note in the story's history and purges the pages that show
it; readers see them on the story (`{% article_notes %}`), on /corrections/ and its feed, and in
the story's JSON-LD.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel

# A note's time may be a little ahead of the server's clock (an editor's watch); not more.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


class Correction(models.Model):
    """One note on an article, shown to readers with its kind and the time it was made."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        EDITORS_NOTE = "editors_note", "Editor's note"
        RETRACTION = "retraction", "Retraction"

    article = models.ForeignKey(
        "newsroom.ArticlePage",
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="The story this note is about.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        help_text="What was wrong and what is right, in a sentence or two. Readers see it as "
        "written; a blank line starts a new paragraph.",
    )
    made_at = models.DateTimeField(
        "when made",
        default=timezone.now,
        help_text="Shown to readers beside the note, in the newsroom's time zone.",
    )
    marks_update = models.BooleanField(
        "show the story as updated",
        default=True,
        help_text="Show an 'Updated' line under the story's date line. Corrections and "
        "retractions always do.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("article"),
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("made_at"),
        FieldPanel("marks_update"),
    ]

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [
            models.Index(fields=["-made_at"], name="correction_made_desc"),
            models.Index(fields=["article", "made_at"], name="correction_article_made"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.article.title}"

    # Kinds that always mark the story as updated, whatever the editor ticked.
    ALWAYS_UPDATE = frozenset({Kind.CORRECTION, Kind.RETRACTION})

    @property
    def shows_update(self) -> bool:
        """Return whether this note puts an "Updated" line on the story."""
        return self.kind in self.ALWAYS_UPDATE or self.marks_update

    @property
    def at_top(self) -> bool:
        """Return whether readers see the note above the story (a retraction) or at its foot."""
        return self.kind == self.Kind.RETRACTION

    @property
    def anchor(self) -> str:
        """Return the note's id on the story's page (its permanent #fragment)."""
        return f"note-{self.pk}"

    def clean(self) -> None:
        """Refuse a note dated in the future: readers would see a time that has not come."""
        if self.made_at and self.made_at > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError({"made_at": "A note cannot be dated in the future."})
