"""date-future-unscheduled: a publication date in the future on a story that is not scheduled."""

from __future__ import annotations

import datetime as dt

from dateline.quality.checks.base import ERROR, Check, register

TOLERANCE = dt.timedelta(minutes=5)


@register
class FuturePublicationDate(Check):
    code = "date-future-unscheduled"
    severity = ERROR
    title = "Publication date in the future"
    kinds = frozenset({"article"})

    def run(self, subject, context):
        published = subject.published_at
        if published is None or published <= context.now + TOLERANCE:
            return
        if subject.go_live_at is not None and subject.go_live_at >= published - TOLERANCE:
            return  # scheduled: Wagtail publishes it when the date comes
        local = published.astimezone(context.zone)
        yield self.finding(
            subject,
            f"The publication date ({local:%d %B %Y %H:%M}) is in the future but the story is not "
            "scheduled: correct the date under Dates, or schedule it for that time under Status → "
            "Set schedule (the status button at the top right of the editor).",
            where="publication date",
        )
