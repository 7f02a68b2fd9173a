"""image-caption-missing: an image readers see without a caption."""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, register
from dateline.quality.checks.image_field import ImageFieldMissing


@register
class ImageCaptionMissing(ImageFieldMissing):
    code = "image-caption-missing"
    severity = WARNING
    title = "Image without caption"
    field = "caption"
    message = "Add a caption to the {where}."
