"""template-token: template syntax that was never rendered ({{ }}, {% %}, %s) shown to readers."""

from __future__ import annotations

import re

from dateline.quality.checks.base import ERROR, register
from dateline.quality.checks.pattern import TextPatternCheck

PATTERN = re.compile(
    r"\{\{.{0,80}?\}\}|\{%.{0,80}?%\}|(?<![\w%])%(?:\([a-z_]+\))?[sd](?![\w])|\$\{[a-z_.]+\}",
    re.I,
)


@register
class TemplateToken(TextPatternCheck):
    code = "template-token"
    severity = ERROR
    title = "Unrendered template tokens"
    patterns = [("template code", PATTERN)]

    def message(self, *, name: str, found: str, where: str) -> str:
        """Ask for the unrendered template code to go."""
        return (
            f"Remove the template code “{found}” from the {where}: it was never filled in and "
            "readers would see it as is."
        )
