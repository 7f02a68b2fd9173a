"""Site-wide page parts rendered once per process until the content changes.

The navigation, the About Us blurb and the On this day block are the same on every page of a site
(the navigation differs only in which section it marks as current). Rendering their templates on
each uncached page view cost more than a third of the render; `memo_fragment()` keeps the rendered
HTML in the per-process memo (`core.memo`), which forgets it whenever the page cache's purge token
moves, so a fragment is never older than the pages cached beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from dateline.core.memo import site_memo


def memo_fragment(key: Hashable, template_name: str, context: Callable[[], dict]) -> SafeString:
    """Return `template_name` rendered with `context()`, remembered under `key` until content changes.

    `key` must name everything the output depends on besides the site's content (the site, the
    current section, the day); `context` is only called when the fragment is rendered.
    """
    return site_memo(
        ("fragment", template_name, key),
        lambda: mark_safe(get_template(template_name).render(context())),  # noqa: S308 - a template's output
    )
