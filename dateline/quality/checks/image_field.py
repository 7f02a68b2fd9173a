"""The base of the image checks: an image readers see without one of the words it needs.

Not a check itself (it is not registered): `image_alt`, `image_caption` and `image_credit` subclass it,
each naming the `ImageRef` field it requires and the message that says how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from dateline.quality.checks.base import Check, Finding
from dateline.quality.subjects import CheckContext, Subject


class ImageFieldMissing(Check):
    """Report every image of the subject whose `field` (alt, caption or credit) is blank."""

    kinds = frozenset({"article", "page"})
    # The `ImageRef` attribute that must not be blank.
    field: ClassVar[str] = ""
    # What to tell the editor; "{where}" becomes the image's place ("image in body, block 3").
    message: ClassVar[str] = ""

    def run(self, subject: Subject, context: CheckContext) -> Iterator[Finding]:
        """Yield a finding for each image whose field is blank."""
        for image in subject.images:
            if not getattr(image, self.field).strip():
                yield self.finding(
                    subject, self.message.format(where=image.where), where=image.where
                )
