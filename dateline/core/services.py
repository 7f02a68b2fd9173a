"""Writes to site-wide settings."""

from __future__ import annotations

from wagtail.models import Page, Site

from dateline.core.models import SiteSettings


def site_settings_update(
    *,
    site: Site,
    site_name: str | None = None,
    tagline: str | None = None,
    about_blurb: str | None = None,
    about_page: Page | None = None,
    time_zone: str | None = None,
) -> SiteSettings:
    """Set the given settings of `site` (others stay as they are), validate and save them."""
    settings = SiteSettings.for_site(site)
    changes = {
        "site_name": site_name,
        "tagline": tagline,
        "about_blurb": about_blurb,
        "about_page": about_page,
        "time_zone": time_zone,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(settings, field, value)
    settings.full_clean()
    settings.save()
    return settings
