"""headline-hidden-characters: invisible characters that reorder or hide parts of a headline.

A bidirectional override (U+202E) makes "evlos" read "solve" on screen while search, feeds and
copy-paste keep the stored order; a zero-width space splits a word no reader can see split, so
the headline is not found by the words it shows. Both arrive with pasted text and are used to
disguise names and links. Zero-width joiners and non-joiners and the left-to-right and
right-to-left marks are left alone: Persian, Arabic and Indic scripts need them.
"""

from __future__ import annotations

import re
import unicodedata

from dateline.quality.checks.base import WARNING, Check, register

# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), zero-width space, word
# joiner, and a byte-order mark inside text.
HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


@register
class HeadlineHiddenCharacters(Check):
    code = "headline-hidden-characters"
    severity = WARNING
    title = "Invisible characters in the headline"
    kinds = frozenset({"article", "text"})

    def run(self, subject, context):
        found = sorted(
            {f"U+{ord(c):04X} {unicodedata.name(c, '')}" for c in HIDDEN.findall(subject.title)}
        )
        if found:
            yield self.finding(
                subject,
                "Remove the invisible characters from the headline (" + ", ".join(found) + "): "
                "they change how it reads on screen or hide it from search.",
                where="headline",
                excerpt=subject.title,
            )
