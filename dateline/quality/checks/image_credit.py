"""image-credit-missing: an image readers see without a credit (photographer or agency)."""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register


@register
class ImageCreditMissing(Check):
    code = "image-credit-missing"
    severity = WARNING
    title = "Image without credit"
    kinds = frozenset({"article", "page"})

    def run(self, subject, context):
        for image in subject.images:
            if not image.credit.strip():
                yield self.finding(
                    subject,
                    f"Credit the {image.where}: name the photographer or agency.",
                    where=image.where,
                )
