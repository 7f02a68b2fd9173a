"""duplicate-story: an identical or near-identical story is already published.

Similarity comes from `CheckContext.similar_stories`, which `duplicates.py` answers with the
related-news engine (`dateline.related.selectors.similar_stories`): the cosine of the two stories'
weighted terms and names, or their SimHash fingerprints when those say near-identical.
"""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register


@register
class DuplicateStory(Check):
    code = "duplicate-story"
    severity = WARNING
    title = "Duplicate of a published story"
    kinds = frozenset({"article", "text"})
    defaults = {"similarity": 0.9}

    def run(self, subject, context):
        if context.similar_stories is None:
            return
        threshold = float(self.threshold(context, "similarity"))
        for other in context.similar_stories(subject):
            if other.similarity < threshold and not other.same_fingerprint:
                continue
            kind = "an identical" if other.similarity >= 0.99 else "a near-identical"
            yield self.finding(
                subject,
                f"This story is {kind} copy of “{other.label}” (their wording is "
                f"{other.similarity:.0%} the same): update that story instead, or rewrite this "
                f"one. {other.url}",
                where="body",
            )
            return
