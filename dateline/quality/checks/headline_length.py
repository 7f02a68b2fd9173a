"""headline-too-long: a headline search engines would cut off in their results."""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register


@register
class HeadlineTooLong(Check):
    code = "headline-too-long"
    severity = WARNING
    title = "Headline too long for search results"
    kinds = frozenset({"article", "text"})
    # Search results show about 60 characters of a title before cutting it.
    defaults = {"max_characters": 70}

    def run(self, subject, context):
        limit = int(self.threshold(context, "max_characters"))
        length = len(subject.title.strip())
        if length > limit:
            yield self.finding(
                subject,
                f"Shorten the headline to {limit} characters or fewer ({length} now): search "
                "results cut off the rest.",
                where="headline",
                excerpt=subject.title,
            )
