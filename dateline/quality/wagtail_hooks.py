"""Admin integration: block publishing on errors, the override button, and its history entry."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem

from dateline.core.publishing import (
    PublishBlocked,
    PublishPath,
    publish_allowed,
    publish_check,
    publish_path,
)
from dateline.newsroom.services import page_unpublish
from dateline.quality.policy import OVERRIDE_PERMISSION, checked_page, page_errors
from dateline.quality.services import OVERRIDE_ACTION

# The override button posts the publish action with this value, so Wagtail publishes as usual.
OVERRIDE_VALUE = "quality-override"


def _checked_model(page) -> bool:
    return checked_page(page)


@hooks.register("before_publish_page")
def block_publishing_on_errors(request, page):
    """Apply the quality policy (`quality.policy`) to the page editor's Publish and its override.

    Wagtail has already saved the edit as a draft revision, so nothing the editor wrote is lost.
    """
    if not _checked_model(page):
        return None
    override = request.POST.get("action-publish") == OVERRIDE_VALUE
    try:
        with publish_path(PublishPath.EDITOR, override=override):
            problems = publish_check(page=page, revision=page.latest_revision, user=request.user)
    except PublishBlocked as blocked:
        if page.live and page.live_revision_id is None:
            # Wagtail's create view adds a new page with `live` at its default (True) before this
            # hook runs; a page that was never published must stay a draft.
            page_unpublish(page=page, user=request.user, log_action=False)
        count = len(blocked.problems)
        listed = "; ".join(f"{p.code}: {p.message}" for p in blocked.problems[:5])
        messages.error(
            request,
            f"Not published: the quality checks found {count} error"
            f"{'s' if count != 1 else ''}. Your changes are saved as a draft. {listed}",
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    # The create view publishes the revision next: it was checked just now.
    publish_allowed(page.pk)
    overridden = [problem for problem in problems if problem.overridden]
    if overridden:
        messages.warning(
            request,
            f"Published despite {len(overridden)} quality error"
            f"{'s' if len(overridden) != 1 else ''}; the override is recorded in the page history.",
        )
    return None


class PublishOverrideMenuItem(ActionMenuItem):
    """ "Publish despite quality errors": for editors holding the override permission, on a page
    whose last saved version has errors, after the plain actions (a journalist's first choice is
    never the override)."""

    label = "Publish despite quality errors"
    name = "action-publish"
    icon_name = "warning"
    template_name = "quality/override_menu_item.html"
    # After Save draft, Publish, Submit for moderation and the workflow's own actions.
    order = 70

    def is_shown(self, context):
        """Show it to permitted editors who may publish the page, when it has errors."""
        if not context["request"].user.has_perm(OVERRIDE_PERMISSION):
            return False
        if context["view"] == "create":
            return False  # nothing is checked before the first save
        page = context.get("page")
        if page is None:
            return False
        specific = page.specific if hasattr(page, "specific") else page
        if not _checked_model(specific):
            return False
        if (
            context["locked_for_user"]
            or not self.get_user_page_permissions_tester(context).can_publish()
        ):
            return False
        revision = specific.get_latest_revision()
        draft = revision.as_object() if revision is not None else specific
        return bool(page_errors(draft))

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["value"] = OVERRIDE_VALUE
        return context


@hooks.register("register_page_action_menu_item")
def register_publish_override():
    return PublishOverrideMenuItem()


@hooks.register("register_log_actions")
def register_quality_log_actions(actions):
    actions.register_action(
        OVERRIDE_ACTION,
        "Published despite quality errors",
        "Published despite quality errors",
    )
