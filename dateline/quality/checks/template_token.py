"""template-token: template syntax that was never rendered ({{ }}, {% %}, %s) shown to readers."""

from __future__ import annotations

import re

from dateline.quality.checks.base import ERROR, Check, register

PATTERN = re.compile(
    r"\{\{.{0,80}?\}\}|\{%.{0,80}?%\}|(?<![\w%])%(?:\([a-z_]+\))?[sd](?![\w])|\$\{[a-z_.]+\}",
    re.I,
)


@register
class TemplateToken(Check):
    code = "template-token"
    severity = ERROR
    title = "Unrendered template tokens"

    def run(self, subject, context):
        for part in subject.texts():
            match = PATTERN.search(part.text)
            if match:
                yield self.finding(
                    subject,
                    f"Remove the template code “{match.group(0)}” from the {part.where}: it was "
                    "never filled in and readers would see it as is.",
                    where=part.where,
                    excerpt=part.text[max(0, match.start() - 60) : match.end() + 60],
                )
