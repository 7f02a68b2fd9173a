"""Writes of the notes on stories: add, change and remove, each with its effects.

Every path (the admin, the demo, an import) writes notes here, so each one bumps the story's
last-updated time for readers (read back by `selectors.article_updated_at`), leaves an entry in the
story's page history, and purges exactly the pages that show it once the transaction commits: the
story (and the cards that show its dates), /corrections/ and its feed, and the site's feeds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from dateline.core import cachetags
from dateline.corrections.models import Correction
from dateline.newsroom.models import ArticlePage

ADD_ACTION = "dateline.correction.add"
CHANGE_ACTION = "dateline.correction.change"
DELETE_ACTION = "dateline.correction.delete"


def note_tags(*, article_id: int) -> list[str]:
    """Return the cache tags of the pages that show a note on article `article_id`."""
    return [cachetags.page_tag(article_id), cachetags.CORRECTIONS, cachetags.FEEDS]


def _log(*, note: Correction, action: str, user: Any) -> None:
    # The story's page history: who added which note, when, with its words as they were then.
    log(
        instance=note.article,
        action=action,
        user=user,
        data={
            "note_id": note.pk,
            "kind": note.kind,
            "kind_label": note.get_kind_display(),
            "text": note.text,
            "made_at": note.made_at.isoformat(),
        },
    )


def correction_add(
    *,
    article: ArticlePage,
    text: str,
    kind: str = Correction.Kind.CORRECTION,
    made_at: dt.datetime | None = None,
    marks_update: bool = True,
    user: Any = None,
) -> Correction:
    """Add a note to `article` without touching its body or revisions; return the note."""
    note = Correction(
        article=article,
        kind=kind,
        text=text,
        made_at=made_at or timezone.now(),
        marks_update=marks_update,
        created_by=user if getattr(user, "pk", None) else None,
    )
    return correction_save(note=note, user=user)


def correction_save(*, note: Correction, user: Any = None) -> Correction:
    """Store a new or changed `note` (the admin's form instance too), log it and purge its pages."""
    created = note.pk is None
    if created and note.created_by_id is None and getattr(user, "pk", None):
        note.created_by = user
    with transaction.atomic():
        before = (
            None
            if created
            else Correction.objects.filter(pk=note.pk).values_list("article_id", flat=True).first()
        )
        note.save()
        _log(note=note, action=ADD_ACTION if created else CHANGE_ACTION, user=user)
        tags = note_tags(article_id=note.article_id)
        if before is not None and before != note.article_id:
            tags += note_tags(article_id=before)  # moved to another story: that one changes too
        cachetags.cache_tags_purge(tags)
    return note


def correction_delete(*, note: Correction, user: Any = None) -> None:
    """Remove `note` from its story, log the removal and purge the pages that showed it."""
    with transaction.atomic():
        _log(note=note, action=DELETE_ACTION, user=user)
        article_id = note.article_id
        note.delete()
        cachetags.cache_tags_purge(note_tags(article_id=article_id))
