"""duplicate-sentence: the same sentence twice in one text, a sign of a paste gone wrong."""

from __future__ import annotations

from dateline.newsroom.text import sentences
from dateline.quality.checks.base import WARNING, Check, register
from dateline.quality.subjects import BODY, HEADLINE, STANDFIRST
from dateline.quality.text import normalise


@register
class DuplicateSentence(Check):
    code = "duplicate-sentence"
    severity = WARNING
    title = "Duplicated sentences"
    defaults = {"min_words": 8}

    def run(self, subject, context):
        min_words = int(self.threshold(context, "min_words"))
        # The body is one text across its paragraphs; every other field stands alone. A standfirst
        # echoing the first sentence of the body is normal, so the two are not compared.
        groups = [("body", subject.texts(BODY))]
        groups += [
            (part.where, [part])
            for part in subject.texts()
            if part.role not in {BODY, HEADLINE, STANDFIRST}
        ]
        for _name, parts in groups:
            seen: dict[str, str] = {}
            reported: set[str] = set()
            for part in parts:
                for sentence in sentences(part.text):
                    key = normalise(sentence)
                    if len(key.split()) < min_words:
                        continue
                    if key in seen and key not in reported:
                        reported.add(key)
                        yield self.finding(
                            subject,
                            f"Delete the repeated sentence in the {part.where} (it first appears in "
                            f"the {seen[key]}).",
                            where=part.where,
                            excerpt=sentence,
                        )
                    seen.setdefault(key, part.where)
