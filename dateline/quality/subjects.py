"""What the checks look at: plain, in-memory descriptions of an article, a page, a setting or a text.

Checks never touch models. `extract.py` turns pages, settings and snippets into subjects; the CLI's
`--text` mode and the precision benchmark build them from plain text, so the same check code runs on
the editor's unsaved page, the whole site and a corpus on disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

# Roles of reader-visible text: checks choose which ones they read.
HEADLINE = "headline"
STANDFIRST = "standfirst"
BODY = "body"
CAPTION = "caption"
# A note on a published story (a correction, clarification, editor's note or retraction).
NOTE = "note"
OTHER = "other"


@dataclass(frozen=True)
class TextPart:
    """One piece of reader-visible text and where the editor finds it ("body, paragraph 3")."""

    where: str
    text: str
    role: str = OTHER


@dataclass(frozen=True)
class ImageRef:
    """An image readers see, with the words that must accompany it."""

    where: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class LinkRef:
    """A link in reader-visible rich text: to a page by id, or to a site-relative address."""

    where: str
    text: str
    page_id: int | None = None
    href: str = ""


@dataclass(frozen=True)
class OnThisDayShown:
    """An On this day entry as readers see it on `shown_on`.

    `event_date` is the entry's own calendar date when the almanac knows it; the interim almanac only
    returns a year, so the check then falls back to dates named in the entry's text.
    """

    shown_on: dt.date
    year: int | None
    text: str
    event_date: dt.date | None = None


@dataclass
class Subject:
    """Everything a check may read about one thing readers see."""

    kind: str  # "article", "page", "setting", "snippet", "text" or "site"
    label: str
    parts: list[TextPart] = field(default_factory=list)
    url: str = ""
    admin_url: str = ""
    page_id: int | None = None
    title: str = ""
    standfirst: str | None = None  # None: the subject has no standfirst field
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    go_live_at: dt.datetime | None = None
    sections: list[str] = field(default_factory=list)  # primary section first
    images: list[ImageRef] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)
    on_this_day: list[OnThisDayShown] = field(default_factory=list)
    # An article's body as the related-news engine reads it (`newsroom.text.body_text`), so the
    # duplicate-story check profiles it as the stored stories were; empty for plain text, whose body
    # parts are read instead.
    story_body: str = ""

    def texts(self, *roles: str) -> list[TextPart]:
        """Return the parts with one of `roles` (all parts when none is given)."""
        return [part for part in self.parts if not roles or part.role in roles]

    @property
    def body_text(self) -> str:
        """Return the body's paragraphs joined by blank lines."""
        return "\n\n".join(part.text for part in self.texts(BODY))


@dataclass(frozen=True)
class Similar:
    """A published story that resembles the subject: how similar its text is (1.0 the same words),
    and whether the two texts' fingerprints say near-identical whatever the similarity."""

    label: str
    url: str
    similarity: float
    same_fingerprint: bool = False


@dataclass
class CheckContext:
    """What checks need besides the subject: the clock, the newsroom's zone and the site's settings."""

    now: dt.datetime
    zone: dt.tzinfo = dt.UTC
    thresholds: dict[str, float | int] = field(default_factory=dict)
    # Returns published stories resembling the subject, most similar first.
    similar_stories: Callable[[Subject], list[Similar]] | None = None
    # Returns why a link is broken, or None when it works (or cannot be checked here).
    link_problem: Callable[[LinkRef], str | None] | None = None
