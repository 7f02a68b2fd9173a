"""The report of `dateline check`: readable text for people, JSON for tools."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from dateline.quality.checks.base import SEVERITIES, Finding


def report_json(findings: Sequence[Finding]) -> str:
    """Return the findings and their counts by severity as a JSON document."""
    counts = Counter(finding.severity for finding in findings)
    return json.dumps(
        {
            "summary": {severity: counts.get(severity, 0) for severity in SEVERITIES},
            "findings": [finding.as_dict() for finding in findings],
        },
        indent=2,
        ensure_ascii=False,
    )


def report_text(findings: Sequence[Finding]) -> str:
    """Return the findings grouped by what they are about, worst first, with a closing summary."""
    lines: list[str] = []
    current = None
    for finding in findings:
        if finding.subject != current:
            current = finding.subject
            lines.append("")
            lines.append(
                f"{finding.subject}" + (f"  ({finding.subject_url})" if finding.subject_url else "")
            )
        where = f" [{finding.where}]" if finding.where else ""
        lines.append(f"  {finding.severity.upper():7} {finding.code}{where}")
        lines.append(f"          {finding.message}")
        if finding.excerpt:
            lines.append(f"          > {finding.excerpt}")
    counts = Counter(finding.severity for finding in findings)
    summary = ", ".join(
        f"{counts.get(s, 0)} {s}{'s' if counts.get(s, 0) != 1 else ''}" for s in SEVERITIES
    )
    lines.append("")
    lines.append(f"Quality check: {summary}." if findings else "Quality check: no problems found.")
    return "\n".join(lines).lstrip("\n")
