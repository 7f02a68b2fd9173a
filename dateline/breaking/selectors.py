"""Reads of the breaking-news banner: whether it shows now, what it says, and when that changes."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from wagtail.models import Site

from dateline.breaking.models import BreakingNews, Severity
from dateline.core.memo import site_memo


@dataclass(frozen=True, slots=True)
class Banner:
    """The banner as a reader sees it."""

    text: str
    severity: str
    severity_label: str
    url: str


@dataclass(frozen=True, slots=True)
class BannerState:
    """The banner shown now (or None), and the next instant that changes by the clock alone.

    `changes_at` is the start of a banner not yet due, or the expiry of one showing; None when
    only an editor's change can alter what pages show.
    """

    banner: Banner | None
    changes_at: dt.datetime | None
    link_page_id: int | None


def breaking_news_state(
    *, setting: BreakingNews, now: dt.datetime, request: HttpRequest | None = None
) -> BannerState:
    """Return what `setting` shows at `now` and when that next changes by itself.

    A banner shows while it is switched on, has text, has started (or has no start) and has not
    expired; one that is switched on but not yet due changes at its start, one that shows
    changes at its expiry.
    """
    if not setting.show or not setting.text.strip():
        return BannerState(None, None, None)
    if setting.expires_at is not None and now >= setting.expires_at:
        return BannerState(None, None, None)
    if setting.starts_at is not None and now < setting.starts_at:
        return BannerState(None, setting.starts_at, None)
    page = setting.link_page
    url = ""
    if page is not None and page.live:
        url = page.get_url(request=request) or ""
    elif setting.link_url:
        url = setting.link_url
    banner = Banner(
        text=setting.text.strip(),
        severity=setting.severity,
        severity_label=Severity(setting.severity).label,
        url=url,
    )
    return BannerState(banner, setting.expires_at, setting.link_page_id)


def breaking_news_stored(*, site_id: int) -> BreakingNews | None:
    """Return the site's banner setting as saved, or None when none was ever saved.

    A reader's request never writes: Wagtail's `for_site` would create the row (and saving a
    setting purges every cached page). Remembered in the process memo until the content changes,
    and handed out as a copy, since the memo's value is shared between threads.
    """

    def load() -> BreakingNews | None:
        return BreakingNews.objects.select_related("link_page").filter(site_id=site_id).first()

    stored = site_memo(("breaking-news", site_id), load)
    return copy.copy(stored) if stored is not None else None


def breaking_news_for(*, request: HttpRequest, now: dt.datetime) -> BannerState:
    """Return the banner state of the request's site at `now` (none for a request with no site).

    The setting comes from the process memo: no query while the content has not changed, one
    small query otherwise.
    """
    site = Site.find_for_request(request)
    if site is None:
        return BannerState(None, None, None)
    setting = breaking_news_stored(site_id=site.pk)
    if setting is None:
        return BannerState(None, None, None)
    return breaking_news_state(setting=setting, now=now, request=request)


def breaking_news_of(*, site: Site) -> BreakingNews:
    """Return `site`'s banner setting as stored (for editors' tools, the demo and tests)."""
    return BreakingNews.for_site(site)
