"""On this day: one entry from the past for a given calendar day.

Interim rule until the almanac lands: the site's own articles published on the same month and day in
earlier years, in the newsroom's time zone. Templates only call `on_this_day`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from dateline.newsroom.models import ArticlePage


@dataclass(frozen=True)
class OnThisDayEntry:
    """One entry for the block: what happened, in which year, and where to read more."""

    year: int
    text: str
    url: str | None
    source: str  # "archive" for the site's own stories


def on_this_day(
    *, day: dt.date, zone: dt.tzinfo, request: HttpRequest | None = None
) -> OnThisDayEntry | None:
    """Return the entry to show on `day` (a date in the newsroom's `zone`), or None when there is none.

    The choice among candidates is deterministic for a given day and moves on from one year to the next.
    """
    with timezone.override(zone):
        candidates = list(
            ArticlePage.objects.live()
            .public()
            .filter(
                published_at__month=day.month,
                published_at__day=day.day,
                published_at__year__lt=day.year,
            )
            .order_by("published_at", "pk")[:50]
        )
    if not candidates:
        return None
    article = candidates[day.year % len(candidates)]
    return OnThisDayEntry(
        year=article.published_at.astimezone(zone).year,
        text=article.title,
        url=article.get_url(request),
        source="archive",
    )
