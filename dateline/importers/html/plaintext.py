"""Read plain-text captures of article pages: a date line, section names, headline, body, furniture.

A capture is what a reader gets by selecting a whole article page and pasting it into a text file:

    DECEMBER 9, 2022
    China News Russia News

    Headline of the story
    [the headline again, as some pages repeat it]

    First paragraph ...
    ...
    Related News            <- page furniture from here on is dropped
    About Us
    On this day

Paragraphs are separated by blank lines (or, failing that, one per line). `capture_extract` gives
the capture in the shape the HTML extractor gives a saved page (`Extracted`), so both import alike.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field

from dateline.core.dates import MONTH_NUMBERS
from dateline.core.selectors import site_settings_for
from dateline.importers.html.extract import Extracted

# Lines that start the page furniture after the story: nothing from there on is the article's.
FURNITURE = {
    "related news",
    "related",
    "related stories",
    "related articles",
    "about us",
    "on this day",
    "read more",
    "more stories",
    "share this",
    "share",
    "comments",
    "leave a comment",
    "advertisement",
    "most read",
    "latest news",
    "you may also like",
    "tags",
}
_MONTHS = MONTH_NUMBERS
_DAY_NAMES = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?"


@dataclass
class Capture:
    """What a plain-text capture says about its article."""

    headline: str = ""
    date: dt.date | None = None
    sections: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def parse_date_line(line: str) -> dt.date | None:
    """Return the date a date line names ("DECEMBER 9, 2022", "9 Dec 2022", "2022-12-09"), or None."""
    text = line.strip().lower().replace(".", "")
    text = re.sub(rf"^{_DAY_NAMES}", "", text)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text)
        if match and match.group(1) in _MONTHS:
            month, day, year = _MONTHS[match.group(1)], int(match.group(2)), int(match.group(3))
        else:
            match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+),?\s+(\d{4})", text)
            if not match or match.group(2) not in _MONTHS:
                return None
            day, month, year = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def split_sections(line: str, known: list[str] | None = None) -> list[str]:
    """Split a line of section names into names.

    Known section titles are matched first ("China News Russia News" with both known). Otherwise
    explicit separators (|, ·, •, /, two spaces) split it, and failing those, a line whose names share
    their last word ("China News Russia News") is cut after each occurrence of that word.
    """
    line = line.strip()
    if known:
        found: list[str] = []
        lowered = {title.lower(): title for title in known}
        words = line.split()
        position = 0
        while position < len(words):
            for end in range(len(words), position, -1):
                candidate = " ".join(words[position:end]).lower()
                if candidate in lowered:
                    found.append(lowered[candidate])
                    position = end
                    break
            else:
                found = []
                break
        if found:
            return found
    parts = [p.strip() for p in re.split(r"\s*[|·•/,]\s*|\s{2,}", line) if p.strip()]
    if len(parts) > 1:
        return parts
    words = line.split()
    if not words:
        return []
    last = words[-1]
    names, current = [], []
    for word in words:
        current.append(word)
        if word == last:
            names.append(" ".join(current))
            current = []
    if current:
        names.append(" ".join(current))
    return names


def capture_parse(text: str, *, known_sections: list[str] | None = None) -> Capture:
    """Return the article in a plain-text capture: furniture after the story is dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    capture = Capture()
    position = 0

    def next_nonblank() -> str | None:
        nonlocal position
        while position < len(lines) and not lines[position].strip():
            position += 1
        if position >= len(lines):
            return None
        line = lines[position].strip()
        position += 1
        return line

    first = next_nonblank()
    if first is None:
        return capture
    capture.date = parse_date_line(first)
    if capture.date is None:
        position -= 1  # no date line: the first line is the sections or headline
    # A section line sits directly under the date line (no blank line between them).
    if capture.date is not None and position < len(lines) and lines[position].strip():
        capture.sections = split_sections(lines[position].strip(), known_sections)
        position += 1
    headline = next_nonblank() or ""
    capture.headline = headline
    # Paragraphs: blank-line separated blocks until the first furniture heading.
    paragraphs: list[str] = []
    current: list[str] = []
    byline = re.compile(r"^by\s+(.+)$", re.I)
    for line in lines[position:]:
        stripped = line.strip()
        if stripped.lower().rstrip(":") in FURNITURE:
            break
        if not stripped:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    # Some pages repeat the headline above the story: that is not a paragraph.
    while paragraphs and paragraphs[0].strip() == headline:
        paragraphs.pop(0)
    if paragraphs and (match := byline.match(paragraphs[0])) and len(paragraphs[0]) < 120:
        capture.authors = [a.strip() for a in re.split(r",|\band\b", match.group(1)) if a.strip()]
        paragraphs.pop(0)
    capture.paragraphs = paragraphs
    return capture


def capture_extract(text: str, *, known_sections: list[str] | None = None) -> Extracted:
    """Return the article in a plain-text capture, as the HTML extractor would describe it."""
    capture = capture_parse(text, known_sections=known_sections)
    published = None
    if capture.date is not None:
        # A date line has no time: take noon in the newsroom's zone so the day is the same for
        # readers whatever the zone.
        zone = zoneinfo.ZoneInfo(site_settings_for().time_zone or "UTC")
        published = dt.datetime.combine(capture.date, dt.time(12), tzinfo=zone)
    return Extracted(
        headline=capture.headline,
        published=published,
        authors=capture.authors,
        sections=capture.sections,
        paragraphs=capture.paragraphs,
        body_text="\n".join(capture.paragraphs),
    )
