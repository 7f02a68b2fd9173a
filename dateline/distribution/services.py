"""Writes to the distribution settings, for code that sets a site up (the demo)."""

from __future__ import annotations

from wagtail.images.models import AbstractImage
from wagtail.models import Site

from dateline.distribution.models import DistributionSettings


def publisher_logo_ensure(*, site: Site, image: AbstractImage) -> bool:
    """Make `image` the publisher logo of `site` when it has none; return whether it was set.

    An editor's own logo is never replaced, so re-running the demo keeps their choice.
    """
    config = DistributionSettings.for_site(site)
    if config.publisher_logo_id is not None:
        return False
    config.publisher_logo = image
    config.save()
    return True
