"""image-caption-missing: an image readers see without a caption."""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register


@register
class ImageCaptionMissing(Check):
    code = "image-caption-missing"
    severity = WARNING
    title = "Image without caption"
    kinds = frozenset({"article", "page"})

    def run(self, subject, context):
        for image in subject.images:
            if not image.caption.strip():
                yield self.finding(
                    subject, f"Add a caption to the {image.where}.", where=image.where
                )
