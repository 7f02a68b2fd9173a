"""Reads: run the checks on an article, on site-wide content, on the whole site or on a text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from django.utils import timezone
from wagtail.models import Page, Site

from dateline.core.dates import local_today
from dateline.core.publishing import batch_memo
from dateline.core.selectors import site_settings_for
from dateline.quality.checks.base import ERROR, Finding, registered_checks
from dateline.quality.duplicates import similar_stories_finder
from dateline.quality.extract import (
    article_subject,
    author_subject,
    page_subject,
    site_settings_subject,
    text_subject,
)
from dateline.quality.models import QualitySettings
from dateline.quality.runner import checks_run
from dateline.quality.subjects import CheckContext, LinkRef, OnThisDayShown, Subject

if TYPE_CHECKING:
    from dateline.newsroom.models import ArticlePage

# Site-relative addresses served by routes or files rather than pages: not checked as page links.
UNCHECKED_PREFIXES = (
    "/admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/authors/",
    "/tags/",
    "/search/",
)
# How many days of On this day entries, from today, a site check looks at.
ON_THIS_DAY_DAYS = 7


class ProgressBar(Protocol):
    """What `site_findings` reports progress to (a tqdm bar is one)."""

    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


def _default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).select_related("root_page").first()


def quality_settings_for(*, site: Site | None) -> QualitySettings:
    """Return the site's quality settings (unsaved defaults when there is no site)."""
    if site is None:
        return QualitySettings()
    return QualitySettings.for_site(site)


def link_problem_finder(*, site: Site | None) -> Callable[[LinkRef], str | None]:
    """Return a function saying why a link to this site is broken, or None when it works."""
    root_path = site.root_page.url_path if site is not None else "/"

    def problem(link: LinkRef) -> str | None:
        if link.page_id is not None:
            page = Page.objects.filter(pk=link.page_id).only("live").first()
            if page is None:
                return "the page it points to has been deleted"
            if not page.live:
                return "the page it points to is not published"
            return None
        path = urlsplit(link.href).path
        if not path or path == "/" or path.startswith(UNCHECKED_PREFIXES):
            return None
        url_path = root_path.rstrip("/") + "/" + path.strip("/") + "/"
        page = Page.objects.filter(url_path=url_path).only("live").first()
        if page is None:
            return f"no page of this site is at {path}"
        if not page.live:
            return f"the page at {path} is not published"
        return None

    return problem


def _check_choices(settings: QualitySettings) -> tuple[frozenset[str], dict[str, str]]:
    """Return the site's disabled checks and its severities that differ from the checks' own."""
    disabled, severities = set(), {}
    if settings.pk:
        for item in settings.check_settings.all():
            if not item.enabled:
                disabled.add(item.code)
            elif item.severity:
                severities[item.code] = item.severity
    return frozenset(disabled), severities


def _run(
    subject: Subject, context: CheckContext, settings: QualitySettings, *, errors_only: bool = False
) -> list[Finding]:
    """Run the site's enabled checks on `subject`; with `errors_only`, only those that give errors.

    A publish guard asks only for errors (warnings never stop a publication), so the checks whose
    findings are warnings on this site, such as the duplicate-story lookup, are not run for it.
    """
    disabled, severities = batch_memo(
        ("quality-choices", settings.pk), lambda: _check_choices(settings)
    )
    only = None
    if errors_only:
        only = {
            check.code
            for check in registered_checks()
            if severities.get(check.code, check.severity) == ERROR
        }
    return checks_run(
        subject=subject, context=context, disabled=disabled, severities=severities, only=only
    )


def check_context_for(
    *, site: Site | None, now: dt.datetime | None = None, whole_site: bool = False
) -> tuple[CheckContext, QualitySettings]:
    """Return the context the checks run in on `site`, and the site's quality settings.

    `whole_site` (a run over every live article) compares stories by their stored profiles.
    """
    settings = quality_settings_for(site=site)
    zone = site_settings_for(site=site).zone if site is not None else dt.UTC
    context = CheckContext(
        now=now or timezone.now(),
        zone=zone,
        thresholds=settings.thresholds(),
        similar_stories=similar_stories_finder(
            window_days=settings.duplicate_window_days,
            minimum=settings.duplicate_similarity,
            stored_profiles=whole_site,
        ),
        link_problem=link_problem_finder(site=site),
    )
    return context, settings


def article_findings(
    *,
    article: ArticlePage,
    site: Site | None = None,
    now: dt.datetime | None = None,
    errors_only: bool = False,
) -> list[Finding]:
    """Return the findings on one article: a saved page or the editor's unsaved form instance.

    `errors_only` runs only the checks whose findings are errors on the site (see `_run`). Inside
    a publish batch (`core.publishing.publish_batch`) the site and its check context are read once
    for the whole batch.
    """
    if site is None:
        site = batch_memo(
            # Stories under one parent page belong to one site.
            ("quality-site", article.url_path.rsplit("/", 2)[0] if article.pk else None),
            lambda: (article.get_site() if article.pk else None) or _default_site(),
        )
    context, settings = batch_memo(
        ("quality-context", site.pk if site else None, now),
        lambda: check_context_for(site=site, now=now),
    )
    return _run(
        article_subject(article, now=context.now), context, settings, errors_only=errors_only
    )


def site_settings_findings(*, settings: Any) -> list[Finding]:
    """Return the findings on the site settings as an editor is about to save them."""
    site = getattr(settings, "site", None) if getattr(settings, "site_id", None) else None
    context, quality = check_context_for(site=site or _default_site())
    return _run(site_settings_subject(settings), context, quality)


# What the site shows On this day for a local date (the almanac's `on_this_day`, by default).
EntryReader = Callable[..., Any]


def on_this_day_shown(
    *, site: Site | None, days: int = ON_THIS_DAY_DAYS, entry_for: EntryReader | None = None
) -> list[OnThisDayShown]:
    """Return the On this day entries the site shows from today for `days` days.

    The entry's own date is read from the almanac's entry (`date`, or `month` and `day`) when it
    gives one; an entry that gives only a year is checked by the dates in its text. `entry_for`
    (called as `entry_for(day=, zone=)`) reads the entries; the almanac's `on_this_day` by default.
    """
    from dateline.almanac.selectors import on_this_day

    on_this_day = entry_for or on_this_day
    zone = site_settings_for(site=site).zone if site is not None else dt.UTC
    today = local_today(zone)
    shown = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        entry = on_this_day(day=day, zone=zone)
        if entry is None:
            continue
        event_date = getattr(entry, "date", None)
        if (
            not isinstance(event_date, dt.date)
            and hasattr(entry, "month")
            and hasattr(entry, "day")
        ):
            try:
                event_date = dt.date(2000, int(entry.month), int(entry.day))
            except (TypeError, ValueError):
                event_date = None
        if isinstance(event_date, dt.datetime):
            event_date = event_date.date()
        shown.append(
            OnThisDayShown(
                shown_on=day,
                year=getattr(entry, "year", None),
                text=getattr(entry, "text", str(entry)),
                event_date=event_date if isinstance(event_date, dt.date) else None,
            )
        )
    return shown


def site_wide_subjects(
    *, site: Site | None, entry_for: EntryReader | None = None
) -> Iterator[Subject]:
    """Yield the site-wide content readers see: settings, authors, non-article pages, On this day."""
    from dateline.newsroom.models import ArticlePage, Author

    settings = site_settings_for(site=site)
    yield site_settings_subject(settings)
    for author in Author.objects.order_by("name"):
        yield author_subject(author)
    pages = Page.objects.live().not_type(ArticlePage).filter(depth__gt=1)
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    for page in pages.specific().order_by("path"):
        yield page_subject(page)
    shown = on_this_day_shown(site=site, entry_for=entry_for)
    yield Subject(kind="site", label="On this day", on_this_day=shown)


def site_findings(
    *,
    site: Site | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int], ProgressBar] | None = None,
    entry_for: EntryReader | None = None,
) -> list[Finding]:
    """Return the findings over the whole site: every live article and all site-wide content.

    `progress(total)` may return a bar (e.g. tqdm's) that is told of each subject checked;
    `entry_for` reads the On this day entries (see `on_this_day_shown`).
    """
    from dateline.newsroom.models import ArticlePage

    site = site or _default_site()
    articles = ArticlePage.objects.live().order_by("path")
    if site is not None:
        articles = articles.descendant_of(site.root_page)
    articles = list(articles)
    context, settings = check_context_for(site=site, now=now, whole_site=True)
    subjects = list(site_wide_subjects(site=site, entry_for=entry_for))
    bar = progress(len(articles) + len(subjects)) if progress else None
    findings: list[Finding] = []
    for subject in subjects:
        findings.extend(_run(subject, context, settings))
        if bar is not None:
            bar.update(1)
    for article in articles:
        findings.extend(_run(article_subject(article, now=context.now), context, settings))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return findings


def text_findings(
    *,
    text: str,
    title: str = "",
    published_at: dt.datetime | None = None,
    sections: list[str] | None = None,
    site: Site | None = None,
    label: str = "Text",
) -> list[Finding]:
    """Return the findings of the text checks on a plain passage treated as an article body."""
    context, settings = check_context_for(site=site)
    subject = text_subject(
        text, title=title, published_at=published_at, sections=sections, label=label
    )
    return _run(subject, context, settings)


def subjects_findings(*, subjects: list[Subject], site: Site | None = None) -> list[Finding]:
    """Return the findings on subjects built elsewhere (e.g. from a page's copied text)."""
    context, settings = check_context_for(site=site)
    findings: list[Finding] = []
    for subject in subjects:
        findings.extend(_run(subject, context, settings))
    return findings


def page_findings(*, page: Page, errors_only: bool = False) -> list[Finding]:
    """Return the findings on a page being edited: article checks for articles, page checks else.

    `errors_only`: only the checks whose findings are errors on the site (a publish guard's need).
    """
    from dateline.newsroom.models import ArticlePage

    page = page.specific if type(page) is Page else page
    if isinstance(page, ArticlePage):
        return article_findings(article=page, errors_only=errors_only)
    site = (page.get_site() if page.pk else None) or _default_site()
    context, settings = check_context_for(site=site)
    return _run(page_subject(page), context, settings, errors_only=errors_only)
