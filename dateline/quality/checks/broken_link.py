"""broken-internal-link: a link to a page of this site that is deleted, unpublished or not there."""

from __future__ import annotations

from dateline.quality.checks.base import ERROR, Check, register


@register
class BrokenInternalLink(Check):
    code = "broken-internal-link"
    severity = ERROR
    title = "Broken internal link"
    kinds = frozenset({"article", "page", "setting", "snippet"})

    def run(self, subject, context):
        if context.link_problem is None:
            return
        for link in subject.links:
            problem = context.link_problem(link)
            if problem:
                yield self.finding(
                    subject,
                    f"Fix the link “{link.text or link.href}” in the {link.where}: {problem}.",
                    where=link.where,
                )
