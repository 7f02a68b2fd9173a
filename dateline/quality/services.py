"""Writes: record a publication that went ahead despite quality errors."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from dateline.quality.checks.base import Finding
from dateline.quality.models import QualityOverride

OVERRIDE_ACTION = "dateline_quality.override"


def quality_override_log(
    *,
    page: Page,
    user: User | None,
    findings: Sequence[Finding],
    revision: Revision | None = None,
) -> QualityOverride:
    """Record who published `page` over which errors, in our table and in Wagtail's page history."""
    errors = [finding.as_dict() for finding in findings if finding.severity == "error"]
    override = QualityOverride.objects.create(
        page=page,
        user=user,
        revision_id=getattr(revision, "pk", None),
        findings=errors,
    )
    log(
        instance=page,
        action=OVERRIDE_ACTION,
        user=user,
        revision=revision,
        data={"codes": sorted({error["code"] for error in errors})},
    )
    return override
