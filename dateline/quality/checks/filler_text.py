"""filler-text: lorem ipsum and the filler paragraphs of page templates, where readers see them."""

from __future__ import annotations

import re

from dateline.quality.checks.base import ERROR, register
from dateline.quality.checks.pattern import TextPatternCheck

# Each pattern names what it matched, so the editor knows what to look for.
PATTERNS = [
    ("lorem ipsum", re.compile(r"\blorem\s+ip\w*|\bl[oa]rem\s+[iy]psum\b", re.I)),
    ("lorem ipsum", re.compile(r"\bdolor\s+sit\s+amet\b|\bconsectetu?r\s+adipisc\w*", re.I)),
    ("lorem ipsum", re.compile(r"\bsed\s+do\s+eiusmod\b|\but\s+enim\s+ad\s+minim\b", re.I)),
    # The template blurb the reference page went live with ("The argument in favor of using filler
    # text goes something like this ..."), and the phrases such templates use.
    ("template filler text", re.compile(r"\b(?:filler|dummy|placeholder)\s+(?:text|copy)\b", re.I)),
    (
        "template filler text",
        re.compile(r"\b(?:your|sample|example)\s+(?:text|content|copy)\s+(?:goes\s+)?here\b", re.I),
    ),
    (
        "template filler text",
        re.compile(r"\b(?:insert|add|type|enter)\s+(?:your\s+)?text\s+here\b", re.I),
    ),
    ("template filler text", re.compile(r"\b(?:text|content|copy)\s+goes\s+here\b", re.I)),
]


@register
class FillerText(TextPatternCheck):
    code = "filler-text"
    severity = ERROR
    title = "Filler text"
    patterns = PATTERNS

    def message(self, *, name: str, found: str, where: str) -> str:
        """Ask for real copy in place of the filler."""
        return f"Replace the {name} in the {where} with real copy: “{found}” is filler readers would see."
