"""`{% on_this_day %}`: the On this day block shown on every page."""

from __future__ import annotations

from django import template

from dateline.almanac.selectors import on_this_day as select_on_this_day
from dateline.core.cachetags import ALMANAC, cache_tags_add
from dateline.core.dates import local_today
from dateline.core.features import feature_enabled
from dateline.core.fragments import memo_fragment
from dateline.core.selectors import site_settings_for

register = template.Library()


@register.simple_tag(takes_context=True)
def on_this_day(context: template.Context) -> str:
    """Render today's entry (today in the newsroom's time zone), stating the year it happened.

    Everything shown derives from the local date, so the block changes at the newsroom's midnight.
    The same for every page of the day: its HTML is remembered until the content changes
    (`core.fragments`), so the entry is only looked up when the block is rendered anew.
    """
    request = context.get("request")
    cache_tags_add(request, ALMANAC)  # purged when today's entry may change (docs/caching.md)
    if not feature_enabled("almanac"):
        return ""
    zone = site_settings_for(request=request).zone
    today = local_today(zone)
    host = request.get_host() if request is not None else ""
    key = ("on-this-day", today, str(zone), host)

    def fragment_context() -> dict:
        entry = select_on_this_day(day=today, zone=zone, request=request)
        return {
            "entry": entry,
            "today": today,
            "same_day": entry is not None and (entry.month, entry.day) == (today.month, today.day),
        }

    return memo_fragment(key, "almanac/on_this_day.html", fragment_context)
