"""On this day: reads for the block, the date pages and the feed.

The block shows one entry for a calendar day in the newsroom's time zone: a reviewed almanac event when
the day has one, else one of the site's own stories published on the same local day in an earlier year,
else nothing. Templates only call `on_this_day`; the rules are in `docs/almanac.md`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from dateline.almanac.days import (
    is_round_anniversary,
    is_valid_month_day,
    shows_leap_day_events,
    year_label,
    years_between,
)
from dateline.almanac.models import Event
from dateline.newsroom.models import ArticlePage

ARCHIVE_LIMIT = 50


@dataclass(frozen=True)
class OnThisDayEntry:
    """One entry for the block: what happened, in which year, and where to read more."""

    year: int
    text: str
    url: str | None
    source: str  # "almanac" for an event, "archive" for the site's own stories
    month: int = 0
    day: int = 0
    credit: str = ""  # where an almanac fact comes from, e.g. "Wikipedia"

    @property
    def year_label(self) -> str:
        """Return the year as readers see it: '1983', '44 BC'."""
        return year_label(self.year)

    @property
    def date_label(self) -> str:
        """Return the entry's calendar day, e.g. 'February 29'."""
        return f"{calendar.month_name[self.month]} {self.day}"

    @property
    def date_url(self) -> str:
        """Return the page of every entry for this entry's calendar day."""
        return date_page_url(month=self.month, day=self.day)


@dataclass(frozen=True)
class DatedEvent:
    """An event on a date page, with how many years ago it happened as of the reader's today."""

    event: Event
    years_ago: int
    round: bool  # a round anniversary (10, 25, 50, 75, 100... years)


@dataclass(frozen=True)
class DatePage:
    """Everything the page for one calendar day lists."""

    month: int
    day: int
    today: dt.date  # the reader's date in the newsroom's zone: "years ago" are counted to it
    events: list[DatedEvent]
    leap_day_events: list[DatedEvent]  # 29 February's, on 28 February of a non-leap year
    archive: list[ArticlePage] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        """Return whether this page is for the reader's own day."""
        return (self.month, self.day) == (self.today.month, self.today.day)

    @property
    def label(self) -> str:
        """Return the day as a heading says it, e.g. 'March 9'."""
        return f"{calendar.month_name[self.month]} {self.day}"

    @property
    def previous_day(self) -> tuple[int, int]:
        """Return (month, day) of the calendar day before, 29 February included."""
        return _step(self.month, self.day, -1)

    @property
    def next_day(self) -> tuple[int, int]:
        """Return (month, day) of the calendar day after, 29 February included."""
        return _step(self.month, self.day, 1)


def _step(month: int, day: int, delta: int) -> tuple[int, int]:
    # 2000 is a leap year, so the walk passes through 29 February.
    moved = dt.date(2000, month, day) + dt.timedelta(days=delta)
    return moved.month, moved.day


def date_page_url(*, month: int, day: int) -> str:
    """Return the path of the page listing every entry for month/day."""
    return reverse("almanac:date", kwargs={"month": month, "day": day})


def calendar_day_shown(*, month: int, day: int, today: dt.date) -> bool:
    """Return whether events of month/day can appear in `today`'s On this day block.

    A day's own events, and 29 February's on 28 February of a non-leap year; the cache purges the
    block when such an event changes.
    """
    days = {(today.month, today.day)}
    if shows_leap_day_events(today):
        days.add((2, 29))
    return (month, day) in days


def reviewed_events() -> QuerySet[Event]:
    """Return the events readers may see."""
    return Event.objects.filter(status=Event.Status.REVIEWED)


def events_on(*, month: int, day: int) -> list[Event]:
    """Return the reviewed events of a calendar day, oldest first."""
    return list(reviewed_events().filter(month=month, day=day).order_by("year", "pk"))


def _candidates_for(day: dt.date) -> tuple[list[Event], list[Event]]:
    """Return (the day's own events, 29 February's events when `day` stands in for it), one query."""
    dates = Q(month=day.month, day=day.day)
    if shows_leap_day_events(day):
        dates |= Q(month=2, day=29)
    events = list(
        reviewed_events()
        .filter(dates, year__lt=day.year)
        .only("pk", "month", "day", "year", "text", "link", "source", "weight", "pinned")
        .order_by("year", "pk")
    )
    own = [event for event in events if event.day == day.day]
    return own, [event for event in events if event.day != day.day]


def weighted_turn(weights: Sequence[int], *, turn: int) -> int:
    """Return the index whose turn it is, in a fair rotation where index i gets weights[i] turns
    out of every sum(weights), spread out rather than bunched (smooth weighted round-robin).

    Deterministic: the same weights and turn always give the same index.
    """
    total = sum(weights)
    if total <= 0:
        raise ValueError("weighted_turn needs at least one positive weight")
    current = [0] * len(weights)
    chosen = 0
    for _ in range(turn % total + 1):
        for index, weight in enumerate(weights):
            current[index] += weight
        chosen = max(range(len(weights)), key=lambda index: (current[index], -index))
        current[chosen] -= total
    return chosen


def event_pick(*, events: Sequence[Event], day: dt.date) -> Event | None:
    """Choose the event to lead the block on `day` among `events` (all from earlier years).

    Pinned events come first, then events with a round anniversary on `day` (10, 25, 50, 75,
    100... years), then the rest. Within the first group that has any, events take turns from one
    year to the next in proportion to their weight, so the choice is fixed for a given day and
    every event gets its turn. Weight 0 keeps an unpinned event out of the block.
    """
    pinned = [event for event in events if event.pinned]
    eligible = [event for event in events if event.weight > 0]
    anniversaries = [
        event for event in eligible if is_round_anniversary(years_between(event.year, day.year))
    ]
    for group in (pinned, anniversaries, eligible):
        if group:
            weights = [1 if group is pinned else event.weight for event in group]
            return group[weighted_turn(weights, turn=day.year)]
    return None


def _archive(day: dt.date) -> QuerySet[ArticlePage]:
    dates = Q(published_at__month=day.month, published_at__day=day.day)
    if shows_leap_day_events(day):
        dates |= Q(published_at__month=2, published_at__day=29)
    return (
        ArticlePage.objects.live()
        .public()
        .filter(dates, published_at__year__lt=day.year)
        .order_by("published_at", "pk")
    )


def archive_on(*, day: dt.date, zone: dt.tzinfo, limit: int = ARCHIVE_LIMIT) -> list[ArticlePage]:
    """Return the site's stories published on `day`'s month and day (in `zone`) in earlier years."""
    # The month/day lookups are evaluated in the active time zone: the newsroom's, not UTC.
    with timezone.override(zone):
        return list(_archive(day)[:limit])


def on_this_day(
    *, day: dt.date, zone: dt.tzinfo, request: HttpRequest | None = None
) -> OnThisDayEntry | None:
    """Return the entry to show on `day` (a date in the newsroom's `zone`), or None when there is none.

    An almanac event when the day has a reviewed one (29 February's count on 28 February of a
    non-leap year, after that day's own), else a story from the site's archive; the choice is
    deterministic for a given day and moves on from one year to the next.
    """
    own, leap_day = _candidates_for(day)
    event = event_pick(events=own, day=day) or event_pick(events=leap_day, day=day)
    if event is not None:
        return OnThisDayEntry(
            year=event.year,
            text=event.text,
            url=event.reader_link or None,
            source="almanac",
            month=event.month,
            day=event.day,
            credit=event.source,
        )
    candidates = archive_on(day=day, zone=zone)
    if not candidates:
        return None
    article = candidates[day.year % len(candidates)]
    # The archive lists only stories with a publication date (`_archive` filters on its day).
    published = cast(dt.datetime, article.published_at).astimezone(zone)
    return OnThisDayEntry(
        year=published.year,
        text=article.title,
        url=article.get_url(request),
        source="archive",
        month=published.month,
        day=published.day,
    )


def _dated(events: Sequence[Event], today: dt.date) -> list[DatedEvent]:
    lines = []
    for event in events:
        years = years_between(event.year, today.year)
        if (event.month, event.day) > (today.month, today.day):
            years -= 1  # this year's anniversary has not come yet
        lines.append(DatedEvent(event=event, years_ago=years, round=is_round_anniversary(years)))
    return lines


def date_page(*, month: int, day: int, today: dt.date, zone: dt.tzinfo) -> DatePage | None:
    """Return what the page for month/day lists, seen from the reader's `today`; None if no such day.

    Events of every year are listed, oldest first, with how long ago they happened; 29 February's
    are added after 28 February's own when `today` falls in a non-leap year. Archive stories are
    those published on that local month and day before `today`.
    """
    if not is_valid_month_day(month, day):
        return None
    events = reviewed_events().prefetch_related("topics").order_by("year", "pk")
    leap_day_events: list[Event] = []
    if month == 2 and day == 28 and not calendar.isleap(today.year):
        leap_day_events = list(events.filter(month=2, day=29))
    start_of_today = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    with timezone.override(zone):
        archive = list(
            ArticlePage.objects.live()
            .public()
            .filter(
                published_at__month=month,
                published_at__day=day,
                published_at__lt=start_of_today,
            )
            .order_by("published_at", "pk")[:ARCHIVE_LIMIT]
        )
    return DatePage(
        month=month,
        day=day,
        today=today,
        events=_dated(list(events.filter(month=month, day=day)), today),
        leap_day_events=_dated(leap_day_events, today),
        archive=archive,
    )
