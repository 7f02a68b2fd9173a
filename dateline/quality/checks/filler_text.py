"""filler-text: lorem ipsum and the filler paragraphs of page templates, where readers see them."""

from __future__ import annotations

import re

from dateline.quality.checks.base import ERROR, Check, register

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
class FillerText(Check):
    code = "filler-text"
    severity = ERROR
    title = "Filler text"

    def run(self, subject, context):
        for part in subject.texts():
            for name, pattern in PATTERNS:
                match = pattern.search(part.text)
                if match:
                    yield self.finding(
                        subject,
                        f"Replace the {name} in the {part.where} with real copy: "
                        f"“{match.group(0)}” is filler readers would see.",
                        where=part.where,
                        excerpt=_around(part.text, match.start(), match.end()),
                    )
                    break


def _around(text: str, start: int, end: int, width: int = 60) -> str:
    return text[max(0, start - width) : end + width]
