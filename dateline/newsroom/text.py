"""The text of a story: HTML to plain text and paragraphs, a StreamField body's reader-visible parts,
sentences and the first sentence.

Quality checks, feeds and page descriptions, importers and the related-news engine all read stories
through these functions, so a sentence, a paragraph or a body's text means the same everywhere. The
module imports no Django model (it reads the StreamField values it is given), so the related engine's
pure code can use it too.

HTML is read with nh3 (the Rust sanitiser already used for feeds and imports): it parses markup as a
browser does, drops scripts, styles and comments with their content, and keeps only the elements that
separate paragraphs (`BLOCK_TAGS`), whose boundaries become paragraph breaks. Inline markup joins the
words it surrounds ("<b>Bei</b>jing" is "Beijing"), as a reader sees them.

Wagtail's `get_searchable_content` gives each block's text for the search index, and `body_blocks`
uses it for block types this module does not know, so a block added to the body later is read
without a change here. It does not fit the known blocks: it returns one flat list of strings per
block, without saying which is a caption, a credit or an alt text (the checks treat them
differently); it joins a paragraph block's paragraphs into one string (the checks and the
description need them apart); it returns empty strings for unfilled fields; and it needs a
StreamValue bound to its blocks, while `body_text` must also read raw JSON, as stored.

`body_text` and `html_to_text(..., tags_as_spaces=True)` reproduce the related-news engine's reading
exactly (every tag a space, every string of the stored data but ids, images and alt texts, embed
addresses included): its stored profiles, fingerprints and embedding keys were computed from that
text, so changing it would need a rebuild of the archive.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import nh3

# Elements whose start or end separates paragraphs (and so words): the rich-text editor's paragraphs,
# list items, headings and line breaks, and the block elements of outside HTML.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_CLEAN_OPTIONS: dict[str, Any] = {
    "tags": set(BLOCK_TAGS),
    "attributes": {},
    "link_rel": None,
    "strip_comments": True,
}
# A prepared cleaner (nh3 0.3) costs a tenth of `nh3.clean`'s set-up on every call, which dominates
# for the short paragraphs of a body; the page description runs this on every uncached render.
_clean: Callable[[str], str] = (
    nh3.Cleaner(**_CLEAN_OPTIONS).clean
    if hasattr(nh3, "Cleaner")
    else functools.partial(nh3.clean, **_CLEAN_OPTIONS)
)
# After cleaning only the block elements remain, without attributes, and every "<" of the text is
# escaped.
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n\s*\n")
# A sentence ends at . ! or ?, optionally closed by quotes or brackets, before a space; the closers
# stay with the sentence.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
# What may begin the next sentence when a capital is required: abbreviations such as "U.S. officials"
# are then not cut (the checks would only get longer sentences from them, not wrong ones).
_SENTENCE_START = re.compile(r"[\"'“‘(A-Z0-9]")
# An image block's words, in the order the page shows them (the alt text is read aloud, not shown).
_IMAGE_FIELDS = ("caption", "credit", "alt_text")
# Keys of stored StreamField data that hold no words (ids, image ids, embed data, alt texts).
_NOT_TEXT_KEYS = frozenset({"type", "id", "url", "embed", "image", "alt_text"})


def html_paragraphs(markup: str | None) -> list[str]:
    """Return the text of each paragraph-like element of `markup`, entities decoded, spaces collapsed.

    Scripts, styles and comments are dropped with their content; text outside any element is a
    paragraph of its own. Empty paragraphs are left out.
    """
    if not markup:
        return []
    paragraphs = []
    for piece in _TAG.split(_clean(str(markup))):
        text = _SPACE.sub(" ", html.unescape(piece)).strip()
        if text:
            paragraphs.append(text)
    return paragraphs


def html_to_text(
    markup: str | None, *, paragraph_break: str = " ", tags_as_spaces: bool = False
) -> str:
    """Return the plain text of `markup`: what a reader sees, on one line or in paragraphs.

    Paragraphs (see `html_paragraphs`) are joined by `paragraph_break`: a space for one line,
    "\\n\\n" to keep them apart for `plain_paragraphs` and `sentences`.

    `tags_as_spaces=True` reads markup the way the related-news engine always has: every tag, inline
    or not, becomes a space and nothing else is removed (a script's text stays as words), then
    entities are decoded and spaces collapsed. Markup can then never glue two words together, and
    the engine's stored profiles keep matching the stories they came from.
    """
    if not markup:
        return ""
    if tags_as_spaces:
        return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", str(markup)))).strip()
    return paragraph_break.join(html_paragraphs(markup))


def plain_paragraphs(text: str | None) -> list[str]:
    """Split plain text into paragraphs at blank lines, decoding entities and collapsing spaces."""
    return [
        _SPACE.sub(" ", chunk).strip()
        for chunk in _BLANK_LINE.split(html.unescape(text or ""))
        if chunk.strip()
    ]


def _sentence_ends(text: str, *, require_capital: bool) -> Iterator[tuple[int, int]]:
    """Yield (end of a sentence, start of the next) for each sentence break in one paragraph."""
    for match in _SENTENCE_BREAK.finditer(text):
        if require_capital and not _SENTENCE_START.match(text, match.end()):
            continue
        # The match is the closers and the spaces after them; the sentence keeps the closers.
        yield match.start() + len(match.group(0).rstrip()), match.end()


def sentences(text: str | None, *, require_capital: bool = True) -> list[str]:
    """Split plain text into sentences (good enough for news prose), paragraph by paragraph.

    A sentence ends at ".", "!" or "?" and any closing quotes or brackets after it, before a space.
    By default the next sentence must begin with a capital, a digit, or an opening quote or bracket,
    so "U.S. officials" stays whole; `require_capital=False` ends a sentence whatever follows.
    """
    result = []
    for paragraph in plain_paragraphs(text):
        start = 0
        for end, following in _sentence_ends(paragraph, require_capital=require_capital):
            result.append(paragraph[start:end].strip())
            start = following
        if paragraph[start:].strip():
            result.append(paragraph[start:].strip())
    return [sentence for sentence in result if sentence]


def first_sentence(text: str, *, require_capital: bool = True) -> str:
    """Return the first sentence of one line of plain text (all of it when it has one sentence).

    The sentence keeps its closing quote or bracket; `require_capital` is as for `sentences`. The
    text is read as given (no entities decoded): use it on `html_to_text`'s output.
    """
    for end, _following in _sentence_ends(text, require_capital=require_capital):
        return text[:end].strip()
    return text


@dataclass(frozen=True, slots=True)
class BodyPart:
    """One piece of reader-visible text in a body block, and which of the block's fields it is.

    `field` is "text" (a paragraph, a subheading, a quotation, or the text of another block),
    "attribution" (a quotation's source), or "caption", "credit" or "alt_text" (an image's).
    """

    field: str
    text: str


@dataclass(frozen=True, slots=True)
class BodyBlock:
    """One block of a StreamField body as readers see it: its place, its type and its words.

    `html` is a paragraph block's rich-text source (its links are read from it); `image` is an image
    block's chosen image (its own description stands in for missing alt text).
    """

    position: int
    kind: str
    parts: tuple[BodyPart, ...] = ()
    html: str = ""
    image: Any = None

    def field(self, name: str) -> str:
        """Return the text of the block's field `name` ("" when the block has none)."""
        return next((part.text for part in self.parts if part.field == name), "")

    @property
    def text(self) -> str:
        """Return the block's reader-visible text on one line."""
        return " ".join(part.text for part in self.parts if part.text)


def _block(position: int, child: Any) -> BodyBlock:
    kind, value = child.block_type, child.value
    if kind == "paragraph":
        source = str(value.source if hasattr(value, "source") else value)
        paragraphs = html_paragraphs(source)
        return BodyBlock(position, kind, tuple(BodyPart("text", p) for p in paragraphs), source)
    if kind == "subheading":
        return BodyBlock(position, kind, (BodyPart("text", str(value)),))
    if kind == "quote":
        quote = [BodyPart("text", value.get("text", ""))]
        if value.get("attribution"):
            quote.append(BodyPart("attribution", value["attribution"]))
        return BodyBlock(position, kind, tuple(quote))
    if kind == "image":
        filled = [BodyPart(name, value[name]) for name in _IMAGE_FIELDS if value.get(name)]
        return BodyBlock(position, kind, tuple(filled), image=value.get("image"))
    if kind == "embed":
        return BodyBlock(position, kind)  # the embedded page's words are not ours
    searchable = child.block.get_searchable_content(value)
    return BodyBlock(
        position,
        kind,
        tuple(BodyPart("text", str(text)) for text in searchable if str(text).strip()),
    )


def body_blocks(body: Any) -> Iterator[BodyBlock]:
    """Yield the blocks of a StreamField body (a StreamValue) in order, with their visible text.

    A paragraph block gives one part per paragraph; a subheading or quotation always gives its text
    (empty when the editor left it so), and optional fields only when filled. Lazy, so a reader of
    the body's opening (the page description) converts only the blocks it reads.
    """
    for position, child in enumerate(body or [], start=1):
        yield _block(position, child)


def _stream_strings(raw: object) -> Iterator[str]:
    """Yield every string inside stored StreamField data (paragraphs, quotes, captions...)."""
    if isinstance(raw, str):
        yield raw
    elif isinstance(raw, dict):
        for key, value in raw.items():
            if key not in _NOT_TEXT_KEYS:
                yield from _stream_strings(value)
    elif isinstance(raw, list | tuple):
        for value in raw:
            yield from _stream_strings(value)


def body_text(body: object) -> str:
    """Return the plain text of an article body (StreamValue, JSON string or raw data) on one line.

    This is the related-news engine's reading (see the module docstring): every string of the
    stored data but ids, images and alt texts, in stored order, read with `tags_as_spaces`. A string
    that is not JSON is read as HTML; anything else that cannot be walked gives "".
    """
    raw: Any = getattr(body, "raw_data", body)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return html_to_text(raw, tags_as_spaces=True)
    try:
        strings = " ".join(_stream_strings(list(raw) if raw is not None else []))
    except TypeError:  # a number or another value that is no StreamField data
        return ""
    return html_to_text(strings, tags_as_spaces=True)
