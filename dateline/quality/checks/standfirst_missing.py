"""standfirst-missing: an empty standfirst on a site that requires one (off unless required)."""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register


@register
class StandfirstMissing(Check):
    code = "standfirst-missing"
    severity = WARNING
    title = "Empty standfirst"
    kinds = frozenset({"article"})
    defaults = {"required": 0}

    def run(self, subject, context):
        if not self.threshold(context, "required") or subject.standfirst is None:
            return
        if not subject.standfirst.strip():
            yield self.finding(
                subject,
                "Write a standfirst: this site requires one or two sentences under the headline.",
                where="standfirst",
            )
