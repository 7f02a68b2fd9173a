"""The "Related News" panel of the article editor: what readers see beside the story, and the way
to the editors' view (reasons, pins, exclusions). Added from this app, so newsroom never imports it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from wagtail.admin.panels import Panel


class RelatedNewsPanel(Panel):
    """Lists the article's Related News as readers see it, with a button to manage it."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "related/admin/related_panel.html"

        def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
            """Add the stored list (none for an unsaved story) and the editors' view's address."""
            from dateline.related.selectors import related_articles

            context = super().get_context_data(parent_context)
            article = self.instance
            saved = getattr(article, "pk", None) is not None
            context["items"] = (
                related_articles(article=article, limit=settings.DATELINE_RELATED_LIMIT)
                if saved
                else []
            )
            context["manage_url"] = reverse("related_article", args=[article.pk]) if saved else ""
            return context


def related_panel_install() -> None:
    """Put the Related News panel near the top of the article editor (after the quality checks)."""
    from dateline.newsroom.models import ArticlePage

    if any(isinstance(panel, RelatedNewsPanel) for panel in ArticlePage.content_panels):
        return
    ArticlePage.content_panels = [
        RelatedNewsPanel(heading="Related News", classname="collapsible"),
        *ArticlePage.content_panels,
    ]
