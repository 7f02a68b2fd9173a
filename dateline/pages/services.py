"""Writes to standard pages."""

from __future__ import annotations

import json

from wagtail.models import Page

from dateline.pages.models import StandardPage


def standard_page_ensure(
    *, parent: Page, slug: str, title: str, intro: str = "", body: list[dict] | None = None
) -> StandardPage:
    """Return the standard page `slug` under `parent`, creating and publishing it when missing."""
    page = StandardPage.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page
    page = StandardPage(
        slug=slug, title=title, intro=intro, body=json.dumps(body or []), live=False
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
