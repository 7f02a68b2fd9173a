"""The On this day pages: today's, any calendar day's, and the feed of the daily entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_safe

from dateline.almanac.selectors import OnThisDayEntry, date_page, date_page_url, on_this_day
from dateline.core.dates import local_today
from dateline.core.features import feature_enabled
from dateline.core.selectors import site_settings_for

FEED_DAYS = 7


def _reader_day(request: HttpRequest) -> tuple[dt.date, dt.tzinfo]:
    if not feature_enabled("almanac"):
        raise Http404("On this day is switched off")
    zone = site_settings_for(request=request).zone
    return local_today(zone), zone


def _render(request: HttpRequest, *, month: int, day: int) -> HttpResponse:
    today, zone = _reader_day(request)
    page = date_page(month=month, day=day, today=today, zone=zone)
    if page is None:
        raise Http404("No such day")
    context = {
        "day_page": page,
        "previous_url": date_page_url(month=page.previous_day[0], day=page.previous_day[1]),
        "next_url": date_page_url(month=page.next_day[0], day=page.next_day[1]),
    }
    return TemplateResponse(request, "almanac/date_page.html", context)


@require_safe
def today_page(request: HttpRequest) -> HttpResponse:
    """List every reviewed event and archive story for today in the newsroom's time zone."""
    today, _zone = _reader_day(request)
    return _render(request, month=today.month, day=today.day)


@require_safe
def day_page(request: HttpRequest, month: int, day: int) -> HttpResponse:
    """List every reviewed event and archive story for month/day; 404 for a day that never occurs."""
    return _render(request, month=month, day=day)


@dataclass(frozen=True)
class FeedItem:
    """One day's entry in the feed."""

    day: dt.date
    zone: dt.tzinfo
    entry: OnThisDayEntry


class DailyEntryFeed(Feed):
    """RSS of the block's entry for today and the days before, one item per local day."""

    feed_type = Rss201rev2Feed
    description = "One entry from history for each day, in the newsroom's time zone."
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, *args, **kwargs) -> dict:
        today, zone = _reader_day(request)
        settings = site_settings_for(request=request)
        return {"today": today, "zone": zone, "request": request, "site_name": settings.site_name}

    def title(self, obj: dict) -> str:
        return f"On this day | {obj['site_name']}"

    def link(self, obj: dict) -> str:
        return reverse("almanac:today")

    def items(self, obj: dict) -> list[FeedItem]:
        items = []
        for back in range(FEED_DAYS):
            day = obj["today"] - dt.timedelta(days=back)
            entry = on_this_day(day=day, zone=obj["zone"], request=obj["request"])
            if entry is not None:
                items.append(FeedItem(day=day, zone=obj["zone"], entry=entry))
        return items

    def item_title(self, item: FeedItem) -> str:
        entry = item.entry
        if (entry.month, entry.day) == (item.day.month, item.day.day):
            return f"On this day in {entry.year_label}: {entry.text}"
        return f"On {entry.date_label}, {entry.year_label}: {entry.text}"

    def item_description(self, item: FeedItem) -> str:
        return item.entry.text

    def item_link(self, item: FeedItem) -> str:
        return date_page_url(month=item.day.month, day=item.day.day)

    def item_guid(self, item: FeedItem) -> str:
        return f"on-this-day:{item.day.isoformat()}"

    def item_pubdate(self, item: FeedItem) -> dt.datetime:
        return dt.datetime.combine(item.day, dt.time.min, tzinfo=item.zone)
