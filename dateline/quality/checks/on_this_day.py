"""on-this-day-date: an On this day entry shown on a day that is not its date.

The entry's date comes from the almanac (`OnThisDayShown.event_date`) when it knows it; otherwise the
check reads a date named in the entry's own text ("On 20 May 1983, ..."). An entry with neither (the
interim almanac returns only a year) cannot be checked beyond its year, which must be in the past.
"""

from __future__ import annotations

import datetime as dt
import re

from dateline.quality.checks.base import ERROR, Check, register
from dateline.quality.checks.dates_weekday import MONTHS

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
NAMED_DATE = re.compile(
    rf"\b(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"({_MONTH}))\b",
    re.I,
)


def named_day(text: str) -> tuple[int, int] | None:
    """Return the (month, day) of the first calendar date named in `text`, or None."""
    for match in NAMED_DATE.finditer(text):
        month = MONTHS[(match.group(1) or match.group(4)).lower()]
        number = int(match.group(2) or match.group(3))
        if 1 <= number <= 31:
            return month, number
    return None


@register
class OnThisDayDate(Check):
    code = "on-this-day-date"
    severity = ERROR
    title = "On this day entry on the wrong day"
    kinds = frozenset({"site", "article", "page", "text"})

    def run(self, subject, context):
        for entry in subject.on_this_day:
            shown = entry.shown_on
            where = f"On this day entry shown on {shown:%d %B %Y}"
            own: tuple[int, int] | None
            if entry.event_date is not None:
                own = (entry.event_date.month, entry.event_date.day)
                source = f"its date is {dt.date(2000, *own):%d %B}"
            else:
                own = named_day(entry.text)
                source = f"its text names {dt.date(2000, *own):%d %B}" if own else ""
            if own is not None and own != (shown.month, shown.day):
                yield self.finding(
                    subject,
                    f"The On this day entry ({entry.year or 'no year'}) is shown on "
                    f"{shown:%d %B}, but {source}: the almanac is showing it on the wrong day.",
                    where=where,
                    excerpt=entry.text,
                )
            elif entry.year is not None and entry.year >= shown.year:
                yield self.finding(
                    subject,
                    f"The On this day entry is from {entry.year}, not from an earlier year than "
                    f"{shown.year}: check the almanac entry.",
                    where=where,
                    excerpt=entry.text,
                )
