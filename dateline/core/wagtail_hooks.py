"""Core's admin additions: the dashboard's "Scheduled" panel, in the newsroom's time zone, and
accessible names for the editor's rich-text and tag boxes."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Revision

from dateline.core.admintime import zone_label

SCHEDULED_PANEL_LIMIT = 10


class ScheduledPanel(Component):
    """List what will go live or expire next, with times in the admin's zone and the zone named.

    Editors otherwise see a scheduled story only by opening it; this panel answers "what goes out
    next, and when, in our time?" on the dashboard.
    """

    name = "dateline_scheduled"
    template_name = "core/admin/scheduled_panel.html"
    order = 150

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        """Return the next pages to go live (approved schedules) and the next live pages to expire."""
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        revisions = Revision.page_revisions.filter(approved_go_live_at__isnull=False).order_by(
            "approved_go_live_at"
        )[:SCHEDULED_PANEL_LIMIT]
        pages = Page.objects.specific().in_bulk([int(r.object_id) for r in revisions])
        upcoming = [
            (revision.approved_go_live_at, page)
            for revision in revisions
            if (page := pages.get(int(revision.object_id))) is not None
            and page.permissions_for_user(user).can_edit()
        ]
        expiring = [
            page
            for page in Page.objects.live()
            .filter(expire_at__gt=timezone.now())
            .order_by("expire_at")[:SCHEDULED_PANEL_LIMIT]
            if page.permissions_for_user(user).can_edit()
        ]
        context.update(
            going_live=upcoming,
            expiring=expiring,
            zone=zone_label(timezone.get_current_timezone_name()),
        )
        return context


@hooks.register("construct_homepage_panels")
def add_scheduled_panel(request: Any, panels: list[Component]) -> None:
    """Show the Scheduled panel to editors who can see pages in the admin."""
    panels.append(ScheduledPanel())


@hooks.register("insert_editor_js")
def accessible_names_js() -> str:
    """Name the editor's Draftail and tag boxes for assistive technology (axe's label rules).

    Wagtail draws both without a label, so a screen reader announces an anonymous text box; the
    script (`core/static/dateline/admin/accessible-names.js`) names each from its field or block.
    """
    return format_html(
        '<script src="{}" defer></script>', static("dateline/admin/accessible-names.js")
    )
