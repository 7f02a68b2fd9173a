"""Admin integration of the newsroom: the page history's entries (a story held at go-live, share
links made and revoked) and the story's "Share links" view."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import URLPattern, path, reverse
from wagtail import hooks
from wagtail.admin import widgets
from wagtail.models import Page

from dateline.newsroom import admin_views
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.services import HELD_ACTION
from dateline.newsroom.sharing import CREATE_ACTION, REVOKE_ACTION


@hooks.register("register_admin_urls")
def newsroom_admin_urls() -> list[URLPattern]:
    """Serve a story's share-link view under the admin."""
    return [path("share-links/<int:page_id>/", admin_views.share_links, name="share_links")]


@hooks.register("register_page_header_buttons")
def share_links_header_button(
    page: Page,
    user: AbstractBaseUser | AnonymousUser,
    view_name: str,
    next_url: str | None = None,
) -> Iterator[widgets.Button]:
    """Offer whoever may edit a story its share links (a preview for someone without an account)."""
    if (
        isinstance(page.specific_deferred, ArticlePage)
        and page.permissions_for_user(user).can_edit()
    ):
        yield widgets.Button(
            "Share links", reverse("share_links", args=[page.pk]), icon_name="link", priority=91
        )


@hooks.register("register_log_actions")
def register_newsroom_log_actions(actions) -> None:  # noqa: ANN001 - Wagtail's registry
    """Name the history entry the scheduler writes when it holds a story back."""
    actions.register_action(
        HELD_ACTION,
        "Held back from scheduled publishing",
        "Held back from scheduled publishing (see the quality checks)",
    )
    actions.register_action(CREATE_ACTION, "Share link made", "Share link made")
    actions.register_action(REVOKE_ACTION, "Share link revoked", "Share link revoked")
