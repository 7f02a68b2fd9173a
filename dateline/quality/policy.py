"""The quality policy: what an error found by the checks does to a publication, on every path.

One decision, registered as a publish guard (`core.publishing`) when the app starts, so it holds
wherever a page is published from (docs/architecture.md, "Publishing"):

- the editor's admin and a moderation workflow's approval: errors stop the publication, unless
  a person holding `quality.override_quality_errors` chose "Publish despite quality errors",
  which is recorded (`QualityOverride` and the page's history);
- the scheduler at go-live: the story is checked again and held back while it has errors, and
  its editor is told (`newsroom.services.scheduled_publish_run`);
- importers and the demo: the story is published and its errors are listed in the run's report;
- anything else: published, and the errors are logged.

Warnings never stop anything.
"""

from __future__ import annotations

from wagtail.models import Page

from dateline.core.publishing import PublishPath, PublishProblem, PublishRequest
from dateline.quality.checks.base import Finding
from dateline.quality.services import quality_override_log

OVERRIDE_PERMISSION = "quality.override_quality_errors"
# Paths on which a permitted person may publish despite errors.
OVERRIDABLE_PATHS = frozenset({PublishPath.EDITOR, PublishPath.WORKFLOW})


def checked_page(page: Page) -> bool:
    """Return whether the checks judge this kind of page (articles and standard pages)."""
    from dateline.newsroom.models import ArticlePage
    from dateline.pages.models import StandardPage

    return isinstance(page, ArticlePage | StandardPage)


def page_errors(page: Page) -> list[Finding]:
    """Return the error findings on `page` as it would be published."""
    from dateline.quality.selectors import page_findings

    findings = page_findings(page=page, errors_only=True)
    return [finding for finding in findings if finding.severity == "error"]


def may_override(user: object) -> bool:
    """Return whether `user` may publish despite quality errors."""
    has_perm = getattr(user, "has_perm", None)
    return bool(has_perm and has_perm(OVERRIDE_PERMISSION))


def quality_guard(request: PublishRequest) -> list[PublishProblem]:
    """Return the quality errors of the page being published, as publish problems.

    A permitted override on the editor's or the workflow's path is recorded here and its errors
    are returned marked `overridden`, so they no longer stop the publication.
    """
    page = request.page.specific if type(request.page) is Page else request.page
    if not checked_page(page):
        return []
    errors = page_errors(page)
    if not errors:
        return []
    overridden = (
        request.override and request.path in OVERRIDABLE_PATHS and may_override(request.user)
    )
    if overridden:
        quality_override_log(
            page=page, user=request.user, findings=errors, revision=request.revision
        )
    return [
        PublishProblem(code=error.code, message=error.message, overridden=overridden)
        for error in errors
    ]


# Where the site settings' texts appear in findings (`extract.site_settings_subject`), by field.
SETTINGS_FIELDS = {
    "Site settings: site name": "site_name",
    "Site settings: tagline": "tagline",
    "Site settings: About Us blurb": "about_blurb",
}


def settings_guard(settings: object) -> dict[str, list[str]]:
    """Return the quality errors in the site settings being saved, as form errors by field.

    The name, tagline and About Us blurb appear on every page, so an error there (the filler
    blurb the reference page went live with) is refused before it is saved, in the check's words.
    """
    from dateline.quality.selectors import site_settings_findings

    errors: dict[str, list[str]] = {}
    for finding in site_settings_findings(settings=settings):
        if finding.severity == "error":
            field = SETTINGS_FIELDS.get(finding.where, "about_blurb")
            errors.setdefault(field, []).append(finding.message)
    return errors
