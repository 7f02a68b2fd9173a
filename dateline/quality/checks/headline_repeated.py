"""headline-repeated: the headline repeated verbatim as the body's first line."""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register
from dateline.quality.subjects import BODY
from dateline.quality.text import normalise


@register
class HeadlineRepeated(Check):
    code = "headline-repeated"
    severity = WARNING
    title = "Headline repeated in the body"
    kinds = frozenset({"article", "text"})

    def run(self, subject, context):
        body = subject.texts(BODY)
        headline = normalise(subject.title)
        if not body or not headline:
            return
        first = body[0]
        first_line = first.text.strip().splitlines()[0] if first.text.strip() else ""
        if normalise(first_line) == headline or normalise(first.text) == headline:
            yield self.finding(
                subject,
                f"Delete the {first.where}: it repeats the headline word for word, so readers see "
                "the headline twice.",
                where=first.where,
                excerpt=first_line,
            )
