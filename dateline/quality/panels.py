"""The "Quality checks" panel of the page editor, added from this app so newsroom never imports it."""

from __future__ import annotations

import logging

from wagtail.admin.panels import Panel

from dateline.quality.checks.base import check_by_code

logger = logging.getLogger(__name__)


class QualityPanel(Panel):
    """Shows the findings of the quality checks on the page as it was last saved or previewed."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "quality/findings_panel.html"

        def get_context_data(self, parent_context=None):
            from dateline.quality.selectors import page_findings

            context = super().get_context_data(parent_context)
            try:
                findings = page_findings(page=self.instance)
            except Exception:  # the editor must open even if a check cannot run on a draft
                logger.exception("Quality checks failed in the editor panel")
                findings = None
            context["findings"] = findings
            # Journalists read what a check is called; its code stays in the markup for tools.
            context["rows"] = [
                (finding, getattr(check_by_code(finding.code), "title", "") or finding.code)
                for finding in findings or []
            ]
            context["errors"] = sum(1 for f in findings or [] if f.severity == "error")
            return context


def quality_panel_install() -> None:
    """Put the Quality checks panel first on the article and standard page editors."""
    from dateline.newsroom.models import ArticlePage
    from dateline.pages.models import StandardPage

    for model in (ArticlePage, StandardPage):
        if any(isinstance(panel, QualityPanel) for panel in model.content_panels):
            continue
        model.content_panels = [
            QualityPanel(heading="Quality checks", classname="collapsible"),
            *model.content_panels,
        ]
