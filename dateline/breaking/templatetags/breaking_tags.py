"""`{% breaking_news %}`: the site-wide breaking-news banner, on every page that shows it."""

from __future__ import annotations

import datetime as dt

from django import template
from django.template.loader import render_to_string

from dateline.breaking.selectors import breaking_news_for
from dateline.core.cachetags import cache_tags_add, cache_valid_until, page_tag
from dateline.core.dates import local_now
from dateline.core.features import feature_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def breaking_news(context: template.Context) -> str:
    """Render the banner when one is running, and tell the page cache when that changes.

    Saving the banner purges every page (it is a site setting: the `all` tag); its start and
    expiry are instants no edit announces, so the page records the next one
    (`cache_valid_until`) and no cache keeps it past that moment.
    """
    request = context.get("request")
    if request is None or not feature_enabled("breaking"):
        return ""
    state = breaking_news_for(request=request, now=local_now(dt.UTC))
    cache_valid_until(request, state.changes_at)
    if state.link_page_id is not None:
        cache_tags_add(request, page_tag(state.link_page_id))  # its URL or status may change
    if state.banner is None:
        return ""
    return render_to_string("breaking/banner.html", {"banner": state.banner})
