"""Editor forms shared by Dateline's page types."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

from dateline.core.admintime import zone_label


class NewsroomTimeForm(WagtailAdminPageForm):
    """A page editor whose schedule fields say which clock they use (`core.admintime`).

    The admin reads and shows times in the editor's zone; the label names it beside "Go-live date/time"
    and "Expiry date/time", so no one has to guess whether 09:00 means UTC.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = zone_label(timezone.get_current_timezone_name())
        for name in ("go_live_at", "expire_at"):
            field = self.fields.get(name)
            if field is not None:
                field.help_text = f"Time zone: {label}."


class SiteRootChildForm(NewsroomTimeForm):
    """A page editor that refuses, directly under a site's home page, a slug the site routes itself.

    `/search/`, `/on-this-day/`, `/authors/`, `/feeds/`... are served by views and routes, so a page
    given one of those slugs would never be seen (`core.routing.reserved_slugs`).
    """

    def clean(self) -> dict[str, Any]:
        """Add a slug error when the slug is reserved and the parent is a site's root page."""
        # Read when the form is used: the routing module needs the loaded models and URLconf.
        from dateline.core.routing import reserved_slugs

        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        parent = getattr(self, "parent_page", None)
        if slug and parent is not None and parent.is_site_root() and slug in reserved_slugs():
            self.add_error(
                "slug",
                f"“{slug}” is taken by the site's own /{slug}/ pages; choose another slug.",
            )
        return cleaned_data
