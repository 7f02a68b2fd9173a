"""Mixins shared by Dateline's page types."""

from __future__ import annotations

from wagtail.models import PageViewRestriction

from dateline.core.memo import site_memo


def any_view_restrictions() -> bool:
    """Return whether any page of any site is private (remembered until the content changes)."""
    return site_memo("any-view-restriction", PageViewRestriction.objects.exists)


class ViewRestrictionsMemoMixin:
    """Page mixin: skip Wagtail's two per-view restriction queries while no page is private.

    Adding or removing a restriction purges every page (cache signals), which also drops the memo.
    """

    def get_view_restrictions(self):  # noqa: ANN201 - Wagtail's signature
        """Return the restrictions that apply to this page: none at all while no page is private."""
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
