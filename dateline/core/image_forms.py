"""The image library's upload form: Wagtail's, with a clear message for a file that cannot be read.

Wagtail refuses a wrong format, too many bytes or too many pixels; but a file whose header is fine
and whose data is cut short or damaged made its pixel check raise an OSError, a server error for the
editor. `ReadableImageField` turns that into a form error naming the problem.
`WAGTAILIMAGES_IMAGE_FORM_BASE` points here (settings/base.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


class ReadableImageField(WagtailImageField):
    """Wagtail's image field, refusing an unreadable (truncated, damaged) file with a message."""

    def to_python(self, data):
        """Return the checked upload, or raise ValidationError when Pillow cannot read it."""
        try:
            return super().to_python(data)
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                "This file could not be read as an image (it may be cut short or damaged): "
                "%(reason)s. Export it again and upload the new file.",
                code="unreadable_image",
                params={"reason": str(error) or error.__class__.__name__},
            ) from error


class ImageForm(BaseImageForm):
    """The image form every upload path uses (add, multiple upload, choosers)."""

    file = ReadableImageField(label="File")
