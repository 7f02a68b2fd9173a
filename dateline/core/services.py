"""Writes to site-wide settings."""

from __future__ import annotations

from wagtail.models import Page, Site

from dateline.core.models import SiteSettings
from dateline.core.plaintext import text_carried


def site_settings_update(
    *,
    site: Site,
    site_name: str | None = None,
    tagline: str | None = None,
    about_blurb: str | None = None,
    about_page: Page | None = None,
    time_zone: str | None = None,
    corrections_policy_page: Page | None = None,
    ethics_policy_page: Page | None = None,
    masthead_page: Page | None = None,
) -> SiteSettings:
    """Set the given settings of `site` (others stay as they are), validate and save them."""
    settings = SiteSettings.for_site(site)
    changes = {
        "site_name": site_name,
        "tagline": tagline,
        "about_blurb": about_blurb,
        "about_page": about_page,
        "time_zone": time_zone,
        "corrections_policy_page": corrections_policy_page,
        "ethics_policy_page": ethics_policy_page,
        "masthead_page": masthead_page,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(settings, field, text_carried(value) if isinstance(value, str) else value)
    settings.full_clean()
    settings.save()
    return settings


def site_address_set(*, site: Site, hostname: str, port: int) -> Site:
    """Make `site` answer at hostname:port, which its canonical URLs, feeds and sitemaps then name.

    Saving a site purges every cached page (the cache app's signal), so no page keeps the old
    address. Nothing is written when the address is already right.
    """
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.full_clean()
        site.save()
    return site
