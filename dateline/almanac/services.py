"""Writes to the almanac: importing events (files, the demo) and pinning, all idempotent.

An event's natural key is its date and a digest of its text (`models.event_key`), so importing the
same file twice, or an overlapping one, adds only what is new.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from taggit.models import Tag

from dateline.almanac.importing import EventRow
from dateline.almanac.models import Event, EventTopic, event_key, link_is_web
from dateline.core.plaintext import text_carried

BATCH_SIZE = 500


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    created: int
    existing: int  # already in the almanac (same natural key): left as editors keep them
    repeated: int  # the same event more than once in the input: stored once


def _topic_tags(names: set[str]) -> dict[str, Tag]:
    """Return a tag per topic name (matched case-insensitively, as articles' tags are), creating any
    that are missing."""
    tags: dict[str, Tag] = {}
    if not names:
        return tags
    wanted = {name.casefold(): name for name in names}
    for tag in Tag.objects.all().only("pk", "name", "slug"):
        if tag.name.casefold() in wanted:
            tags[tag.name.casefold()] = tag
    for folded, name in wanted.items():
        if folded not in tags:
            # Tag.save() finds a free slug; there are few distinct topics, so one by one is fine.
            tags[folded] = Tag.objects.create(name=name)
    return tags


@transaction.atomic
def events_import(
    *,
    rows: Sequence[EventRow],
    reviewed: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Store the events of `rows` that the almanac does not hold yet, all or none.

    New events are marked reviewed only when `reviewed` is true; events already present keep their
    editors' changes (text, review state, pin). `progress` is called with the number of rows dealt
    with after each batch.
    """
    for row in rows:
        if row.link and not link_is_web(row.link):
            raise ValueError(f"Event link {row.link[:80]!r} is not an http(s) address.")
    known = set(Event.objects.values_list("key", flat=True))
    status = Event.Status.REVIEWED if reviewed else Event.Status.NEW
    pending: list[tuple[Event, tuple[str, ...]]] = []
    existing = repeated = 0
    seen: set[str] = set()
    for row in rows:
        key = event_key(month=row.month, day=row.day, year=row.year, text=row.text)
        if key in known:
            existing += 1
            continue
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        event = Event(
            key=key,
            month=row.month,
            day=row.day,
            year=row.year,
            text=text_carried(row.text),
            link=row.link,
            source=text_carried(row.source),
            weight=row.weight,
            pinned=row.pinned,
            status=status,
        )
        pending.append((event, tuple(text_carried(topic) for topic in row.topics)))
    if progress is not None and existing + repeated:
        progress(existing + repeated)

    tags = _topic_tags({name for _event, topics in pending for name in topics})
    for start in range(0, len(pending), BATCH_SIZE):
        batch = pending[start : start + BATCH_SIZE]
        Event.objects.bulk_create([event for event, _topics in batch])
        links = [
            EventTopic(content_object=event, tag=tags[name.casefold()])
            for event, topics in batch
            for name in topics
        ]
        if links:
            EventTopic.objects.bulk_create(links)
        if progress is not None:
            progress(len(batch))
    return ImportReport(created=len(pending), existing=existing, repeated=repeated)


def event_pin(*, event: Event, pinned: bool = True) -> Event:
    """Pin `event` to lead the block on its day (or unpin it); a pinned event is also reviewed."""
    event.pinned = pinned
    fields = ["pinned"]
    if pinned and event.status != Event.Status.REVIEWED:
        event.status = Event.Status.REVIEWED
        fields.append("status")
    event.save(update_fields=fields)
    return event
