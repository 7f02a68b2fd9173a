"""Writes of the breaking-news banner, for code that is not the admin (the demo, scripts, tests).

The admin edits the banner through Wagtail's settings view, which saves it and logs who did
("wagtail.edit" in the setting's history); these functions do the same for other callers.
Saving purges every cached page: the banner is a site setting, and the cache app purges the `all`
tag whenever one is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Page, Site

from dateline.breaking.models import BreakingNews

_UNSET: Any = object()


@transaction.atomic
def breaking_news_update(
    *,
    site: Site,
    user: Any = None,
    show: bool | None = None,
    text: str | None = None,
    severity: str | None = None,
    link_page: Page | None = _UNSET,
    link_url: str | None = None,
    starts_at: dt.datetime | None = _UNSET,
    expires_at: dt.datetime | None = _UNSET,
) -> BreakingNews:
    """Set the given fields of `site`'s banner (others stay as they are), validate, save and log.

    `link_page`, `starts_at` and `expires_at` may be set to None (cleared); the other fields
    left as None are unchanged. The change is recorded in the setting's history under `user`.
    """
    setting = BreakingNews.for_site(site)
    changes: dict[str, Any] = {
        "show": show,
        "text": text,
        "severity": severity,
        "link_url": link_url,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(setting, field, value)
    for field, value in (
        ("link_page", link_page),
        ("starts_at", starts_at),
        ("expires_at", expires_at),
    ):
        if value is not _UNSET:
            setattr(setting, field, value)
    setting.full_clean()
    setting.save()
    log(instance=setting, action="wagtail.edit", user=user)
    return setting


def breaking_news_clear(*, site: Site, user: Any = None) -> BreakingNews:
    """Take `site`'s banner down at once (its text is kept for next time), and log who did."""
    return breaking_news_update(site=site, user=user, show=False)
