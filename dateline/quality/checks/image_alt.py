"""image-alt-missing: an image without alt text for readers who cannot see it."""

from __future__ import annotations

from dateline.quality.checks.base import ERROR, register
from dateline.quality.checks.image_field import ImageFieldMissing


@register
class ImageAltMissing(ImageFieldMissing):
    code = "image-alt-missing"
    severity = ERROR
    title = "Image without alt text"
    field = "alt"
    message = (
        "Describe the {where} for readers who cannot see it: give it alt text "
        "(or a description on the image itself)."
    )
