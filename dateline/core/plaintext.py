"""Plain text every output can carry: without the control characters XML 1.0 and PostgreSQL refuse.

A headline pasted from a word processor or an old CMS can hold a BEL, a vertical tab or a NUL:
PostgreSQL will not store a NUL, Django's feed writer raises on any C0 control character (a 500 on
every feed listing the story), a sitemap carrying one no longer parses, and the HTML checker calls
each a forbidden code point. Tab, line feed and carriage return stay; the rest go.
"""

from __future__ import annotations

import re

# C0 controls but tab, LF and CR; the noncharacters U+FFFE/U+FFFF; lone surrogates.
_UNCARRIED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def text_carried(text: str) -> str:
    """Return `text` without the characters no page, feed, sitemap or database can carry."""
    return _UNCARRIED.sub("", text) if text else text


def data_carried(data: object) -> object:
    """Return JSON-like `data` (a StreamField's blocks) with `text_carried` applied to every string."""
    if isinstance(data, str):
        return text_carried(data)
    if isinstance(data, list):
        return [data_carried(item) for item in data]
    if isinstance(data, dict):
        return {key: data_carried(value) for key, value in data.items()}
    return data
