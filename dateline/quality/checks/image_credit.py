"""image-credit-missing: an image readers see without a credit (photographer or agency)."""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, register
from dateline.quality.checks.image_field import ImageFieldMissing


@register
class ImageCreditMissing(ImageFieldMissing):
    code = "image-credit-missing"
    severity = WARNING
    title = "Image without credit"
    field = "credit"
    message = "Credit the {where}: name the photographer or agency."
