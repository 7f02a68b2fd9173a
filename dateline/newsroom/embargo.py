"""Embargoes: a story promised to nobody before a time, whatever path would publish it earlier.

An embargo is not a schedule. A schedule is the newsroom's own plan and any editor may change it;
an embargo is a promise to a source or a partner. So it is kept in two places:

- `ArticlePage.clean` moves the go-live time of every saved revision up to the embargo, so pressing
  Publish early schedules the story for the embargo (Wagtail's scheduling, run by the worker's
  scheduler) and nothing is live before it;
- `embargo_guard`, a publish guard on every path (`core.publishing`, its problem is `always`),
  refuses a publication that would make the story live while the embargo holds: a revision saved
  without that clean (code, an older revision published again), an import, a bulk write.

A story that is not live is on no page, list, feed, sitemap, search result, Related News list or
On this day entry, and the page cache stores only what is live; when the scheduler publishes it at
the embargo, the ordinary publish purge reaches every page that now shows it.
"""

from __future__ import annotations

from django.utils import timezone

from dateline.core.publishing import PublishProblem, PublishRequest
from dateline.core.selectors import site_settings_for


def embargo_problems(page: object) -> list[PublishProblem]:
    """Return the problem of publishing `page` now, if it is embargoed and not scheduled for it."""
    embargo = getattr(page, "embargo_until", None)
    if embargo is None or embargo <= timezone.now():
        return []
    go_live = getattr(page, "go_live_at", None)
    if go_live is not None and go_live >= embargo:
        return []  # the publication only schedules it, for the embargo or later
    when = embargo.astimezone(site_settings_for().zone).strftime("%-d %B %Y, %H:%M %Z")
    return [
        PublishProblem(
            "embargo",
            f"This story is embargoed until {when}: it cannot go live before then. "
            "Publish it to schedule it for that time.",
            always=True,
        )
    ]


def embargo_guard(request: PublishRequest) -> list[PublishProblem]:
    """The publish guard: refuse, on every path, a publication that would break an embargo."""
    return embargo_problems(request.page)
