"""The words every output takes from an article: summary, first sentence, full text with absolute links.

Feeds, page metadata and structured data all read an article through these functions, so the meta
description, the feed summary and the JSON-LD description never disagree.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin

import nh3
from django.utils.text import Truncator

from dateline.newsroom import text as story_text
from dateline.newsroom.models import ArticlePage

DESCRIPTION_LENGTH = 300
_URL_ATTRIBUTES = {"href", "src", "poster", "cite"}
# Block and media elements a feed reader can show; scripts and embeds' iframes are dropped.
_FEED_TAGS = nh3.ALLOWED_TAGS | {"figure", "figcaption", "picture", "source", "time"}
_FEED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "width", "height", "title"},
    "a": {"href", "title", "hreflang"},
    "time": {"datetime"},
    "source": {"src", "type", "media"},
}


def iso_datetime(value: dt.datetime) -> str:
    """Return an aware datetime as RFC 3339 / ISO 8601 in UTC, to the second, with its offset."""
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _plain(text: str, *, is_html: bool = False) -> str:
    if is_html:
        # Rich text stores characters as entities (&#x27;); readers want the characters.
        return story_text.html_to_text(text)
    return " ".join(text.split())


def first_sentence(*, text: str) -> str:
    """Return the first sentence of the HTML `text` as plain text, cut to a description's length."""
    return _plain_first_sentence(_plain(text, is_html=True))


def _plain_first_sentence(plain: str) -> str:
    # A sentence ends at ., ! or ? (optionally closed by a quote or bracket, which it keeps) followed
    # by a space, whatever comes next.
    sentence = story_text.first_sentence(plain, require_capital=False)
    return Truncator(sentence).chars(DESCRIPTION_LENGTH)


def article_body_text(*, article: ArticlePage) -> str:
    """Return the article's body paragraphs as HTML source, in order (no rendering, no queries)."""
    blocks = story_text.body_blocks(article.body)
    return " ".join(block.html for block in blocks if block.kind == "paragraph")


def _body_opening(article: ArticlePage) -> str:
    """Return the body's plain text from its start, far enough to hold its first sentence.

    Gives `first_sentence` the same answer as the whole body would, while stripping the markup of
    only the first paragraphs: this runs on every uncached article render (the page description).
    """
    plain = ""
    for block in story_text.body_blocks(article.body):
        if block.kind != "paragraph":
            continue
        part = block.text  # the block's paragraphs on one line, as `_plain` reads its source
        if not part:
            continue
        plain = f"{plain} {part}" if plain else part
        # A sentence end found is final (the pattern looks only backwards); past the description's
        # length, whatever follows is cut off anyway.
        if (
            story_text.first_sentence(plain, require_capital=False) != plain
            or len(plain) > DESCRIPTION_LENGTH + 20
        ):
            break
    return plain


def article_description(*, article: ArticlePage) -> str:
    """Return the article's one-paragraph summary: the SEO description, standfirst or first sentence."""
    for candidate in (article.search_description, article.standfirst):
        text = _plain(candidate or "")
        if text:
            return Truncator(text).chars(DESCRIPTION_LENGTH)
    return _plain_first_sentence(_body_opening(article))


def absolute_html(*, html: str, base_url: str) -> str:
    """Return `html` sanitised for a feed, with every link and image address made absolute.

    Feed readers show items away from the site, where `/media/...` would point nowhere.
    """

    def absolutise(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES:
            return urljoin(base_url, value)
        return value

    return nh3.clean(
        html,
        tags=_FEED_TAGS,
        attributes=_FEED_ATTRIBUTES,
        attribute_filter=absolutise,
        link_rel=None,
    )


def article_full_html(*, article: ArticlePage, base_url: str) -> str:
    """Return the article's rendered body as feed-safe HTML with absolute URLs."""
    return absolute_html(html=str(article.body.render_as_block()), base_url=base_url)
