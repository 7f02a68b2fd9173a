"""Rich text as readers get it: only the markup the body's rich-text features can make.

The editor's own converter keeps a paragraph to those features, but a body can also be written by
the services (importers, the demo, scripts) or straight into the database, and Wagtail's `richtext`
filter expands stored HTML without cleaning it. So every paragraph is cleaned once more where it is
rendered (`{{ value|richtext|reader_html }}` in `blocks/paragraph.html`): scripts, event-handler
attributes, `javascript:`/`data:`/`vbscript:` URLs, frames, `<svg>` and `<math>` are gone from the
page, its feeds and whatever else renders the body, whatever was stored.
"""

from __future__ import annotations

import nh3

# What `core.blocks.RICH_TEXT_FEATURES` produce once Wagtail has expanded the stored HTML (internal
# links become `<a href>`); pictures are image blocks, never rich text, so no `<img>` either.
READER_TAGS = {"p", "br", "b", "strong", "i", "em", "a", "ol", "ul", "li", "sup", "sub"}
READER_ATTRIBUTES = {"a": {"href"}}
READER_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def reader_html_clean(html: str) -> str:
    """Return `html` reduced to the tags, attributes and URL schemes a body paragraph may show.

    Relative links (a page's path, a picture's /media/ address) are kept; script and style
    elements go with their content; comments go.
    """
    return nh3.clean(
        html,
        tags=READER_TAGS,
        attributes=READER_ATTRIBUTES,
        url_schemes=READER_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
