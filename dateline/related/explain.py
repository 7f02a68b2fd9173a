"""Why a story is in another's Related News list, in the words a journalist uses.

The engine keeps names lower-cased and similarities as numbers (`engine.reasons`, the stored
list's reasons); the editors' view says "Shared names: Wang Yi, Sergei Lavrov · same week · ...",
with each name written as the stories write it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any


def name_as_written(name: str, texts: Iterable[str]) -> str:
    """Return `name` (lower-case, as the engine keeps it) as the first of `texts` writes it."""
    pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"(?:'s)?\b", re.I)
    for text in texts:
        found = pattern.search(text)
        if found:
            return found.group(0).removesuffix("'s")
    return " ".join(word.capitalize() for word in name.split())


def days_in_words(days: float | None) -> str:
    """Return how far apart two stories are, as a reader would say it."""
    if days is None:
        return ""
    days = abs(round(days))
    if days == 0:
        return "same day"
    if days <= 7:
        return "same week" if days > 1 else "a day apart"
    if days <= 31:
        return f"{days} days apart"
    if days < 365:
        months = max(1, round(days / 30.4))
        return "a month apart" if months == 1 else f"{months} months apart"
    years = round(days / 365.25)
    return f"{years} year{'s' if years != 1 else ''} apart"


def similarity_in_words(*, text: float | None, meaning: float | None) -> str:
    """Return how alike two stories read: their wording (lexical) and, in semantic mode, meaning."""
    parts = []
    if text is not None:
        if text >= 0.5:
            parts.append("much of the wording in common")
        elif text >= 0.2:
            parts.append("some wording in common")
        else:
            parts.append("little wording in common")
    if meaning is not None:
        if meaning >= 0.6:
            parts.append("close in meaning")
        elif meaning >= 0.4:
            parts.append("related in meaning")
        else:
            parts.append("distant in meaning")
    return ", ".join(parts)


def reasons_in_words(reasons: Mapping[str, Any], texts: Iterable[str]) -> list[str]:
    """Return the lines that explain a suggestion: shared names, terms, tags, sections, time, text.

    `texts` are the two stories' headlines, standfirsts and bodies, to write names as they do.
    """
    texts = list(texts)
    lines = []
    if reasons.get("pinned"):
        lines.append("Pinned by an editor")
    names = [name_as_written(name, texts) for name in reasons.get("names", [])]
    if names:
        lines.append(f"Shared names: {', '.join(names)}")
    if reasons.get("terms"):
        lines.append(f"Shared words: {', '.join(reasons['terms'])}")
    if reasons.get("tags"):
        lines.append(f"Shared tags: {', '.join(reasons['tags'])}")
    if reasons.get("sections"):
        lines.append(f"Same section: {', '.join(map(str, reasons['sections']))}")
    when = days_in_words(reasons.get("days_apart"))
    alike = similarity_in_words(
        text=reasons.get("text_similarity"), meaning=reasons.get("semantic_similarity")
    )
    if when or alike:
        lines.append("; ".join(part for part in (when, alike) if part).capitalize())
    return lines
