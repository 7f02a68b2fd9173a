"""Writes to standard pages."""

from __future__ import annotations

import datetime as dt
import json

from wagtail.models import Page

from dateline.core.pages import page_write
from dateline.core.plaintext import data_carried, text_carried
from dateline.pages.models import StandardPage


def standard_page_ensure(
    *, parent: Page, slug: str, title: str, intro: str = "", body: list[dict] | None = None
) -> StandardPage:
    """Return the standard page `slug` under `parent`, creating and publishing it when missing."""
    page = StandardPage.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page
    page = StandardPage(
        slug=slug,
        title=text_carried(title),
        intro=text_carried(intro),
        body=json.dumps(data_carried(body or [])),
        live=False,
    )
    page_write(page=page, parent=parent, created=True, publish=True)
    page.refresh_from_db()  # the publication changed the stored page, not this instance
    return page


def standard_page_save(
    *,
    parent: Page,
    slug: str,
    title: str,
    intro: str = "",
    body: list[dict] | None = None,
    publish: bool = True,
    first_published_at: dt.datetime | None = None,
) -> StandardPage:
    """Create or update the standard page `slug` under `parent`; publish it or keep it a draft.

    Unlike `standard_page_ensure`, an existing page is brought up to date: importers use this so a
    re-run carries changes from the source.
    """
    page = StandardPage.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = StandardPage(slug=slug, live=False)
    page.title, page.intro = text_carried(title), text_carried(intro)
    page.body = json.dumps(data_carried(body or []))
    if first_published_at is not None and (page.first_published_at is None or not page.live):
        page.first_published_at = first_published_at
    page_write(page=page, parent=parent, created=created, publish=publish)
    if publish:
        page.refresh_from_db()
    return page
