"""date-weekday-mismatch: a weekday in the text that cannot be right for the story's date.

Three readings, from most to least certain:
- a weekday with a date ("Tuesday, December 6") that falls on another weekday that year;
- a weekday said to be today ("today, Tuesday") that is not the publication day;
- "on Tuesday" with no "next"/"last"/"this" read as the most recent such day (or the coming one when
  the sentence speaks of the future), flagged when that lies more than `max_days_back` working days
  before publication: a Monday story's "on Tuesday" would be a week old, which news would not say.
"""

from __future__ import annotations

import datetime as dt
import re

from dateline.core.dates import MONTH_NUMBERS
from dateline.newsroom.text import sentences
from dateline.quality.checks.base import WARNING, Check, register
from dateline.quality.subjects import BODY, STANDFIRST

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = MONTH_NUMBERS
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = "|".join(DAYS)
WITH_DATE = re.compile(
    rf"\b({_DAY}),?\s+(?:the\s+)?(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?"
    rf"\s+(?:of\s+)?({_MONTH}))\b(?:,?\s+(\d{{4}}))?",
    re.I,
)
TODAY = re.compile(
    rf"\b(?:today|tonight|this (?:morning|afternoon|evening)),?\s+\(?({_DAY})\b", re.I
)
ON_DAY = re.compile(
    rf"\b(?:(next|last|this|coming|past|previous|following|every|each|until|till|by|since|before|"
    rf"after|easter|ash|palm|good|holy|super|black|cyber|giving|maundy|shrove|bloody)\s+)?"
    rf"(?:on\s+)?({_DAY})(s|'s|’s)?\b",
    re.I,
)
NAME_BEFORE = re.compile(r"(?<![.!?:;]\s)(?<!^)\b(?!On\b)[A-Z][a-z]+\s+$")
TIME_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)\b", re.I)
DAY_NAME = re.compile(rf"\b(?:{_DAY})\b", re.I)
LIST = re.compile(rf"\b(?:{_DAY}),?\s+(?:and|or|through|to|until|till|-|–)\s+(?:{_DAY})\b", re.I)
QUOTED = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
FUTURE = re.compile(
    r"\b(?:will|would|to be|is due|are due|due to|expected|scheduled|set to|plans?|planned|"
    r"planning|intends?|going to|upcoming|is to|are to|could|may|might|shall)\b",
    re.I,
)


@register
class WeekdayMismatch(Check):
    code = "date-weekday-mismatch"
    severity = WARNING
    title = "Weekday contradicts the date"
    kinds = frozenset({"article", "text"})
    defaults = {"max_days_back": 2}

    def run(self, subject, context):
        if subject.published_at is None:
            return
        day = subject.published_at.astimezone(context.zone).date()
        max_back = int(self.threshold(context, "max_days_back"))
        for part in subject.texts(BODY, STANDFIRST):
            for sentence in sentences(part.text):
                problem = _sentence_problem(sentence, day, max_back)
                if problem:
                    yield self.finding(
                        subject,
                        f"In the {part.where}: {problem}",
                        where=part.where,
                        excerpt=sentence,
                    )
                    return


def _sentence_problem(sentence: str, day: dt.date, max_back: int) -> str | None:
    dated_spans = []
    for match in WITH_DATE.finditer(sentence):
        dated_spans.append(match.span())
        named = DAYS.index(match.group(1).capitalize())
        month = MONTHS[(match.group(2) or match.group(5)).lower()]
        number = int(match.group(3) or match.group(4))
        year = int(match.group(6)) if match.group(6) else day.year
        try:
            actual = dt.date(year, month, number)
        except ValueError:
            continue
        if actual.weekday() != named:
            return (
                f"“{match.group(0)}” names a {DAYS[named]}, but that date is a "
                f"{DAYS[actual.weekday()]}: correct the weekday or the date."
            )
    for match in TODAY.finditer(sentence):
        named = DAYS.index(match.group(1).capitalize())
        if named != day.weekday():
            return (
                f"“{match.group(0)}” calls today a {DAYS[named]}, but the story is dated "
                f"{DAYS[day.weekday()]} {day:%d %B %Y}."
            )
    future = bool(FUTURE.search(sentence))
    # Quoted words were dated by the speaker or another outlet, not by this story.
    quoted = [m.span() for m in QUOTED.finditer(sentence)]
    for match in ON_DAY.finditer(sentence):
        # "next Tuesday", "on Tuesdays" and "Sunday's race" name no single day in the past.
        if match.group(1) or match.group(3):
            continue
        if any(start <= match.start(2) < end for start, end in dated_spans + quoted):
            continue
        if len(DAY_NAME.findall(sentence)) > 1 and LIST.search(sentence):
            continue  # "Tuesday through Thursday", "on Monday and Tuesday": ranges and lists
        named = DAYS.index(match.group(2).capitalize())
        if NAME_BEFORE.search(sentence[: match.start()]):
            continue  # "Big Sunday", "Bloody Sunday": part of a name
        after = sentence[match.end() :]
        # "on Tuesday", "Tuesday morning", "told reporters Tuesday." name a day; "Saturday opening"
        # (a weekday used as an adjective) does not.
        if not (
            match.group(0).lower().startswith("on ")
            or TIME_OF_DAY.match(after)
            or not after.strip()
            or after.lstrip()[:1] in {".", ",", ";", ":", ")", "—", "–"}
        ):
            continue
        if future:
            continue  # any weekday in the coming week is possible
        back = (day.weekday() - named) % 7
        # Count working days, so Friday's news in a Monday story is one day old, not three.
        working = sum(1 for n in range(back) if (day - dt.timedelta(days=n)).weekday() < 5)
        if working > max_back:
            return (
                f"“{match.group(0)}” would be {DAYS[named]} {day - dt.timedelta(days=back):%d %B}, "
                f"{back} days before the story's date ({DAYS[day.weekday()]} {day:%d %B %Y}): check "
                "the weekday and the publication date."
            )
    return None
