"""placeholder-token: TK/TKTK, [INSERT ...] and XXX markers left in copy for facts still to come."""

from __future__ import annotations

import re

from dateline.quality.checks.base import ERROR, register
from dateline.quality.checks.pattern import TextPatternCheck

PATTERNS = [
    # Newsroom "to come" marks: capital TK alone, or repeated (TKTK); not inside words, and not the
    # first word of a name such as "TK Maxx" or "TK Mold & Engineering".
    ("“TK” (to come) mark", re.compile(r"(?<![\w&.-])(?:TK){1,4}(?![\w&-])(?!\s+[A-Z][a-z])")),
    # "[INSERT QUOTE]", "[LINK: ]", "[TK]"; not citations such as "[Quote, 1/26/24]".
    (
        "bracketed instruction",
        re.compile(
            r"\[\s*(?:insert|add|tbd|tbc|tk|to come|fill(?:\s+in)?|fix|check|link|name|quote|photo"
            r"|headline|caption|xx+)\b(?:[\s:]+[^\],]{0,80})?\]",
            re.I,
        ),
    ),
    ("“XXX” placeholder", re.compile(r"(?<![\w-])X{3,}(?![\w-])")),
]


@register
class PlaceholderToken(TextPatternCheck):
    code = "placeholder-token"
    severity = ERROR
    title = "Placeholder marks"
    patterns = PATTERNS

    def message(self, *, name: str, found: str, where: str) -> str:
        """Ask for the fact still to come, or for the mark to go."""
        return f"Fill in or remove the {name} “{found}” in the {where}."
