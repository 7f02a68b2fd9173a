"""duplicate-story: an identical or near-identical story is already published.

Similarity comes from `CheckContext.similar_stories`, which `duplicates.py` answers with a word-shingle
MinHash fingerprint; when the related-news engine can score near-duplicates, it plugs in there.
"""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register


@register
class DuplicateStory(Check):
    code = "duplicate-story"
    severity = WARNING
    title = "Duplicate of a published story"
    kinds = frozenset({"article", "text"})
    defaults = {"similarity": 0.8}

    def run(self, subject, context):
        if context.similar_stories is None:
            return
        threshold = float(self.threshold(context, "similarity"))
        for other in context.similar_stories(subject):
            if other.similarity < threshold:
                break
            kind = "an identical" if other.similarity >= 0.99 else "a near-identical"
            yield self.finding(
                subject,
                f"This story is {kind} copy of “{other.label}” ({other.similarity:.0%} of its "
                f"wording shared): update that story instead, or rewrite this one. {other.url}",
                where="body",
            )
            return
