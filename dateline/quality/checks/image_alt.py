"""image-alt-missing: an image without alt text for readers who cannot see it."""

from __future__ import annotations

from dateline.quality.checks.base import ERROR, Check, register


@register
class ImageAltMissing(Check):
    code = "image-alt-missing"
    severity = ERROR
    title = "Image without alt text"
    kinds = frozenset({"article", "page"})

    def run(self, subject, context):
        for image in subject.images:
            if not image.alt.strip():
                yield self.finding(
                    subject,
                    f"Describe the {image.where} for readers who cannot see it: give it alt text "
                    "(or a description on the image itself).",
                    where=image.where,
                )
