"""The responsive image sets readers are sent: which crops, widths and formats each place uses.

One table for the templates (`{% responsive_picture %}` renders through Wagtail's `Picture`, the
object behind `{% picture %}`) and for the selectors, which prefetch exactly these renditions with
the pages that show them, so a listing reads its renditions in one query instead of one per card.
Crops end in `-c100`: Wagtail then keeps the image's focal point inside every crop.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from PIL import features


def image_formats() -> tuple[str, ...]:
    """Return the formats offered, best first: AVIF where this Pillow can write it, WebP, JPEG.

    `DATELINE_IMAGE_FORMATS` (e.g. `webp,jpeg`) overrides the choice; JPEG is always the fallback
    the <img> element itself carries.
    """
    chosen = getattr(settings, "DATELINE_IMAGE_FORMATS", None)
    if chosen:
        formats = [f for f in chosen if f != "jpeg"]
    else:
        formats = (["avif"] if features.check("avif") else []) + ["webp"]
    return (*formats, "jpeg")


@dataclass(frozen=True)
class ImageSet:
    """One place an image is shown: its resize operations (one per width) and `sizes`."""

    operations: tuple[str, ...]
    sizes: str

    def specs(self) -> list[str]:
        """Return the Wagtail filter specs of every rendition in the set, in `{% picture %}` order."""
        return [f"{op}|format-{fmt}" for op in self.operations for fmt in image_formats()]


IMAGE_SETS: dict[str, ImageSet] = {
    # A listing card: a 16:9 crop about a third of the page wide, full width on phones.
    "card": ImageSet(
        ("fill-400x225-c100", "fill-800x450-c100"),
        "(min-width: 72rem) 22rem, (min-width: 40rem) 45vw, 100vw",
    ),
    # The front page's lead story: wider.
    "lead-card": ImageSet(
        ("fill-640x360-c100", "fill-1200x675-c100"),
        "(min-width: 72rem) 44rem, 100vw",
    ),
    # An article's lead image: 16:9 across the article column.
    "lead": ImageSet(
        ("fill-480x270-c100", "fill-800x450-c100", "fill-1200x675-c100"),
        "(min-width: 48rem) 46rem, 100vw",
    ),
    # An image in the body: its own shape, the width of the text.
    "body": ImageSet(("width-480", "width-800", "width-1200"), "(min-width: 48rem) 46rem, 100vw"),
}


def image_set_specs(*names: str) -> list[str]:
    """Return the filter specs of the named image sets together (what a page prefetches)."""
    return [spec for name in names for spec in IMAGE_SETS[name].specs()]
