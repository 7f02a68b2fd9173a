"""Admin integration: the article's "Related News" view and a button to it in the page header."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import URLPattern, path, reverse
from wagtail import hooks
from wagtail.admin import widgets
from wagtail.models import Page

from dateline.newsroom.models import ArticlePage
from dateline.related import views


@hooks.register("register_admin_urls")
def related_admin_urls() -> list[URLPattern]:
    """Serve the per-article Related News view under the admin."""
    return [path("related/<int:page_id>/", views.article_related, name="related_article")]


@hooks.register("register_page_header_buttons")
def related_header_button(
    page: Page,
    user: AbstractBaseUser | AnonymousUser,
    view_name: str,
    next_url: str | None = None,
) -> Iterator[widgets.Button]:
    """Offer editors the article's Related News list (reasons, pins, exclusions)."""
    if (
        isinstance(page.specific_deferred, ArticlePage)
        and page.permissions_for_user(user).can_edit()
    ):
        yield widgets.Button(
            "Related News",
            reverse("related_article", args=[page.pk]),
            icon_name="link",
            priority=90,
        )
