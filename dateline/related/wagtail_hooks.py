"""Admin integration: the article's "Related News" view and a button to it in the page header."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import URLPattern, path, reverse
from wagtail import hooks
from wagtail.admin import widgets
from wagtail.log_actions import LogActionRegistry, LogFormatter
from wagtail.models import BaseLogEntry, Page

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


class RelatedChoiceLogFormatter(LogFormatter):
    """Word a Related News choice in the page history: "Related News: pinned “Title”"."""

    verb = ""

    def format_message(self, log_entry: BaseLogEntry) -> str:
        """Return the entry's line, naming the story chosen."""
        title = log_entry.data.get("related_title", "a story")
        return f"Related News: {self.verb} “{title}”"


@hooks.register("register_log_actions")
def related_log_actions(actions: LogActionRegistry) -> None:
    """Name the page-history entries of editors' Related News choices."""
    for action, label, verb in (
        ("pin", "Related News: pin", "pinned"),
        ("exclude", "Related News: exclude", "excluded"),
        ("clear", "Related News: clear a choice", "cleared the choice of"),
    ):
        formatter = type(
            f"Related{action.title()}LogFormatter",
            (RelatedChoiceLogFormatter,),
            {"label": label, "verb": verb},
        )
        actions.register_action(f"dateline.related.{action}")(formatter)
