"""Reads of site-wide settings for templates and features that have no direct access to the request."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail.models import Site

from dateline.core.models import SiteSettings


def site_settings_for(
    *, request: HttpRequest | None = None, site: Site | None = None
) -> SiteSettings:
    """Return the settings of the request's site (cached on the request) or of `site`.

    Without either, return the default site's settings, or unsaved defaults when no site exists yet.
    """
    try:
        if request is not None:
            return SiteSettings.for_request(request)
        if site is None:
            site = Site.objects.filter(is_default_site=True).first()
        return SiteSettings.for_site(site)
    except SiteSettings.DoesNotExist:
        # No site matches (e.g. a fresh database): show the defaults rather than fail.
        return SiteSettings()
