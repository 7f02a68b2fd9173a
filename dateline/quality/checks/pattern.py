"""The base of the checks that look for marks left in copy: filler, placeholders, template code.

Not a check itself (it is not registered): `filler_text`, `placeholder_token` and `template_token`
subclass it, each with its patterns and the message that says how to fix what was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from dateline.quality.checks.base import Check, Finding, excerpt_around
from dateline.quality.subjects import CheckContext, Subject

# Characters of context on each side of a match in a finding's excerpt.
EXCERPT_WIDTH = 60


class TextPatternCheck(Check):
    """Report, for each text part of the subject, the first of `patterns` found in it."""

    # (what the pattern finds, in words for the editor; the pattern), tried in order.
    patterns: ClassVar[list[tuple[str, re.Pattern[str]]]] = []

    def message(self, *, name: str, found: str, where: str) -> str:
        """Return what to tell the editor about `found` (a match of the pattern called `name`)."""
        raise NotImplementedError

    def run(self, subject: Subject, context: CheckContext) -> Iterator[Finding]:
        """Yield one finding per text part that holds a match, for its first matching pattern."""
        for part in subject.texts():
            for name, pattern in self.patterns:
                match = pattern.search(part.text)
                if match:
                    yield self.finding(
                        subject,
                        self.message(name=name, found=match.group(0), where=part.where),
                        where=part.where,
                        excerpt=excerpt_around(
                            part.text, match.start(), match.end(), width=EXCERPT_WIDTH
                        ),
                    )
                    break
