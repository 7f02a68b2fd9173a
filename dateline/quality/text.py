"""Plain-text helpers the checks share: HTML to paragraphs, sentences, words."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br", "div", "tr"}
_SPACE = re.compile(r"\s+")
# A sentence ends at . ! or ? followed by space and a capital, digit or quote; abbreviations such as
# "U.S. officials" are not worth the complexity for these checks (they only make sentences longer).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        self.current.append(data)


def html_paragraphs(html: str) -> list[str]:
    """Return the text of each paragraph-like element of `html`, whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    collector._flush()
    return collector.blocks


def html_text(html: str) -> str:
    """Return the text of `html` with paragraphs separated by blank lines."""
    return "\n\n".join(html_paragraphs(html))


def plain_paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines, collapsing whitespace inside each."""
    return [
        _SPACE.sub(" ", chunk).strip()
        for chunk in re.split(r"\n\s*\n", unescape(text or ""))
        if chunk.strip()
    ]


def sentences(text: str) -> list[str]:
    """Split `text` into sentences (good enough for news prose)."""
    result = []
    for paragraph in plain_paragraphs(text):
        result.extend(part.strip() for part in _SENTENCE_END.split(paragraph) if part.strip())
    return result


def words(text: str) -> list[str]:
    """Return the words of `text`, lower-cased."""
    return [match.group(0).lower().strip("'’-") for match in WORD.finditer(text)]


def normalise(text: str) -> str:
    """Return `text` lower-cased with punctuation dropped and spaces collapsed, for comparisons."""
    return " ".join(words(text))
