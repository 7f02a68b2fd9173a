"""Word-level helpers the checks share: words and a normalised form for comparisons.

Paragraphs and sentences come from the newsroom's text layer, `dateline.newsroom.text`, which the
feeds, the importers and the related-news engine read stories through as well.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


def words(text: str) -> list[str]:
    """Return the words of `text`, lower-cased."""
    return [match.group(0).lower().strip("'’-") for match in WORD.finditer(text)]


def normalise(text: str) -> str:
    """Return `text` lower-cased with punctuation dropped and spaces collapsed, for comparisons."""
    return " ".join(words(text))
