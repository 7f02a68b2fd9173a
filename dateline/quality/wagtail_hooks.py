"""Admin integration: block publishing on errors, the override button, and its history entry."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem

from dateline.quality.runner import has_errors
from dateline.quality.services import OVERRIDE_ACTION, quality_override_log

OVERRIDE_PERMISSION = "quality.override_quality_errors"
# The override button posts the publish action with this value, so Wagtail publishes as usual.
OVERRIDE_VALUE = "quality-override"


def _checked_model(page) -> bool:
    from dateline.newsroom.models import ArticlePage
    from dateline.pages.models import StandardPage

    return isinstance(page, ArticlePage | StandardPage)


@hooks.register("before_publish_page")
def block_publishing_on_errors(request, page):
    """Stop a publication whose page has quality errors, unless a permitted editor overrides.

    Wagtail has already saved the edit as a draft revision, so nothing the editor wrote is lost.
    """
    from dateline.quality.selectors import page_findings

    if not _checked_model(page):
        return None
    findings = page_findings(page=page)
    if not has_errors(findings):
        return None
    errors = [finding for finding in findings if finding.severity == "error"]
    user = request.user
    if request.POST.get("action-publish") == OVERRIDE_VALUE and user.has_perm(OVERRIDE_PERMISSION):
        quality_override_log(page=page, user=user, findings=errors, revision=page.latest_revision)
        messages.warning(
            request,
            f"Published despite {len(errors)} quality error{'s' if len(errors) != 1 else ''}; "
            "the override is recorded in the page history.",
        )
        return None
    if page.live and page.live_revision_id is None:
        # Wagtail's create view adds a new page with `live` at its default (True) before this hook
        # runs; a page that was never published must stay a draft.
        type(page).objects.filter(pk=page.pk).update(live=False)
        page.live = False
    listed = "; ".join(f"{error.code}: {error.message}" for error in errors[:5])
    messages.error(
        request,
        f"Not published: the quality checks found {len(errors)} error"
        f"{'s' if len(errors) != 1 else ''}. Your changes are saved as a draft. {listed}",
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=(page.pk,)))


class PublishOverrideMenuItem(ActionMenuItem):
    """ "Publish despite quality errors", for editors holding the override permission."""

    label = "Publish despite quality errors"
    name = "action-publish"
    icon_name = "warning"
    template_name = "quality/override_menu_item.html"
    order = 25

    def is_shown(self, context):
        if not context["request"].user.has_perm(OVERRIDE_PERMISSION):
            return False
        if context["view"] == "create":
            return (
                context["parent_page"]
                .permissions_for_user(context["request"].user)
                .can_publish_subpage()
            )
        page = context.get("page")
        if page is None or not _checked_model(page.specific if hasattr(page, "specific") else page):
            return False
        return (
            not context["locked_for_user"]
            and self.get_user_page_permissions_tester(context).can_publish()
        )

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
