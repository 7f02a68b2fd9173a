"""date-updated-before-published: a last-updated date earlier than the publication date."""

from __future__ import annotations

import datetime as dt

from dateline.quality.checks.base import ERROR, Check, register

TOLERANCE = dt.timedelta(minutes=1)


@register
class UpdatedBeforePublished(Check):
    code = "date-updated-before-published"
    severity = ERROR
    title = "Updated before published"
    kinds = frozenset({"article"})

    def run(self, subject, context):
        published, updated = subject.published_at, subject.updated_at
        if published is None or updated is None or updated >= published - TOLERANCE:
            return
        zone = context.zone
        yield self.finding(
            subject,
            f"The last-updated date ({updated.astimezone(zone):%d %B %Y %H:%M}) is before the "
            f"publication date ({published.astimezone(zone):%d %B %Y %H:%M}): correct one of them "
            "under Dates.",
            where="last updated",
        )
