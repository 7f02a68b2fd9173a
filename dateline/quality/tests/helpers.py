"""Small builders for check tests: subjects and contexts without a database."""

from __future__ import annotations

import datetime as dt

from dateline.quality.checks.base import check_by_code
from dateline.quality.extract import text_subject
from dateline.quality.subjects import CheckContext, Subject
from dateline.settings.env import shared_data_dir

NOW = dt.datetime(2024, 4, 10, 12, tzinfo=dt.UTC)
# The About Us paragraph the reference page went live with.
REFERENCE_ABOUT_US = (
    "The argument in favor of using filler text goes something like this: If you use arey real "
    "content in the Consulting Process anytime you reachtent."
)


def context(**kwargs) -> CheckContext:
    """Return a check context at a fixed moment, UTC, default thresholds."""
    return CheckContext(now=kwargs.pop("now", NOW), **kwargs)


def article(body: str, *, title: str = "Ministers meet in Beijing", **kwargs) -> Subject:
    """Return an article subject with `body` paragraphs separated by blank lines."""
    subject = text_subject(body, title=title, label="Article", **kwargs)
    subject.kind = "article"
    subject.standfirst = ""
    return subject


def codes(code: str, subject: Subject, ctx: CheckContext | None = None) -> list[str]:
    """Run one check and return the codes it reported (empty when it found nothing)."""
    check = check_by_code(code)
    return [finding.code for finding in check.run(subject, ctx or context()) or ()]


def run(code: str, subject: Subject, ctx: CheckContext | None = None):
    """Run one check and return its findings."""
    return list(check_by_code(code).run(subject, ctx or context()) or ())


# The whole reference page, read from ../shared/seed beside the checkout; tests skip without it.
REFERENCE_PAGE = shared_data_dir().parent / "seed" / "reference-article.txt"
