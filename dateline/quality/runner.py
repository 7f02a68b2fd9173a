"""Run the registered checks on one subject, applying a site's switches and severities."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from dateline.quality.checks.base import SEVERITY_RANK, Finding, registered_checks
from dateline.quality.subjects import CheckContext, Subject

logger = logging.getLogger(__name__)


def checks_run(
    *,
    subject: Subject,
    context: CheckContext,
    disabled: Iterable[str] = (),
    severities: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
) -> list[Finding]:
    """Return the findings of every enabled check that looks at this kind of subject, worst first.

    A check that raises is logged and skipped, so one faulty check never stops an editor publishing.
    """
    disabled = set(disabled)
    only = set(only) if only is not None else None
    severities = severities or {}
    findings: list[Finding] = []
    for check in registered_checks():
        if subject.kind not in check.kinds or check.code in disabled:
            continue
        if only is not None and check.code not in only:
            continue
        try:
            found = list(check.run(subject, context) or ())
        except Exception:
            logger.exception("Quality check %s failed on %s", check.code, subject.label)
            continue
        severity = severities.get(check.code)
        for finding in found:
            if severity and severity != finding.severity:
                finding = Finding(**{**finding.__dict__, "severity": severity})
            findings.append(finding)
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], f.subject, f.code))


def has_errors(findings: Iterable[Finding]) -> bool:
    """Return whether any finding is an error."""
    return any(finding.severity == "error" for finding in findings)
