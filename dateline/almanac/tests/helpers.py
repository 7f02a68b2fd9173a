"""Shared helpers for the almanac tests: travel in time and read the block from a page."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from bs4 import BeautifulSoup

from dateline.core.testing import clock_at


@contextmanager
def at(moment: dt.datetime):
    """Make `moment` (aware) the current time for the newsroom's local date."""
    with clock_at(moment):
        yield


def block_of(html: str | bytes) -> dict | None:
    """Return the On this day block of a page as {"when", "text", "link", "more"}, or None."""
    soup = BeautifulSoup(html, "html.parser")
    aside = soup.select_one("aside.on-this-day")
    if aside is None:
        return None
    entry = aside.select_one(".on-this-day__entry")
    when = entry.select_one(".on-this-day__when").get_text(strip=True)
    link = entry.select_one("a")
    more = aside.select_one(".on-this-day__more a")
    text = entry.get_text(" ", strip=True)[len(when) :].strip()
    return {
        "when": when,
        "text": text,
        "link": link["href"] if link else None,
        "more": more["href"] if more else None,
    }
