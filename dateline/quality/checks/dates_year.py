"""date-year-after-publication: the body names a year after the story's publication, as a past fact.

Stories often name future years ("by 2030", "the 2026 budget", "will ... in 2024"), so a sentence with
a future or planning word is skipped; what remains is usually a story filed under the wrong date.
"""

from __future__ import annotations

import re

from dateline.newsroom.text import sentences
from dateline.quality.checks.base import WARNING, Check, register
from dateline.quality.subjects import BODY, STANDFIRST

# A year, not followed by a capitalised name ("the 2028 Summer Olympics", "2026 World Cup").
YEAR = re.compile(r"(?<![\w$£€.,/-])(19\d\d|20\d\d|21\d\d)(?![\w%/-]|\.\d|,\d|\s+[A-Z])")
FUTURE = re.compile(
    r"\b(?:will|won't|would|could|should|shall|may|might|must|plans?|planned|planning|expects?|"
    r"expected|expecting|forecast\w*|projects?|projected|projections?|targets?|targeted|"
    r"aims?|aimed|goals?|by|until|till|through|thru|before|due|scheduled|schedule|set to|next|"
    r"future|deadline|budget|fiscal|fy|estimates?|estimated|predicts?|predicted|outlook|season|"
    r"intends?|proposed|proposes?|proposal|going to|upcoming|coming|ahead|beyond|starting|"
    r"matur\w*|notes?|bonds?|debentures?|hopes?|hoped|vision|agenda|strategy|"
    r"pledge\w*|commit\w*|promis\w*|extend\w*|expir\w*|effective|onwards?|between|"
    r"reverts?|phas\w*|begin\w*|takes? effect|sunset\w*)\b",
    re.I,
)


@register
class YearAfterPublication(Check):
    code = "date-year-after-publication"
    severity = WARNING
    title = "Year after the publication date"
    kinds = frozenset({"article", "text"})

    def run(self, subject, context):
        if subject.published_at is None:
            return
        year_published = subject.published_at.astimezone(context.zone).year
        for part in subject.texts(BODY, STANDFIRST):
            for sentence in sentences(part.text):
                later = [
                    int(m.group(1))
                    for m in YEAR.finditer(sentence)
                    if int(m.group(1)) > year_published
                    and not _is_name_or_number(sentence, m.start())
                ]
                if later and not FUTURE.search(sentence):
                    yield self.finding(
                        subject,
                        f"The {part.where} states {later[0]} as past fact, but the story is dated "
                        f"{year_published}: check the publication date or the year.",
                        where=part.where,
                        excerpt=sentence,
                    )
                    return


_MONTH_BEFORE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+$"
)
_BEFORE = re.compile(r"(?:[A-Z][\w.]*,?|H\.R\.|S\.|No\.|Act,)\s+$")


def _is_name_or_number(sentence: str, start: int) -> bool:
    """Return whether the year at `start` ends a name ("World Cup 2026", "Act, 2026") or is a bill
    number the sentence splitter cut from its "H.R." (a sentence that starts with the number)."""
    before = sentence[:start]
    if not before.strip():
        return True
    if _MONTH_BEFORE.search(before):
        return False  # "March 2024", "9 December, 2024": a date, not a name
    return bool(_BEFORE.search(before))
