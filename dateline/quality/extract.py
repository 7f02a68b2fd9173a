"""Turn what readers see (articles, pages, settings, snippets, plain text) into check subjects."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from dateline.newsroom.text import body_blocks, body_text, plain_paragraphs
from dateline.quality.subjects import (
    BODY,
    CAPTION,
    HEADLINE,
    NOTE,
    OTHER,
    STANDFIRST,
    ImageRef,
    LinkRef,
    OnThisDayShown,
    Subject,
    TextPart,
)


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append((dict(attrs), []))

    def handle_data(self, data):
        if self.links:
            self.links[-1][1].append(data)


def rich_text_links(html: str, *, where: str) -> list[LinkRef]:
    """Return the links of stored rich text: page links by id and site-relative addresses."""
    collector = _LinkCollector()
    collector.feed(html or "")
    links = []
    for attrs, text in collector.links:
        label = "".join(text).strip()
        if attrs.get("linktype") == "page" and str(attrs.get("id", "")).isdigit():
            links.append(LinkRef(where=where, text=label, page_id=int(attrs["id"])))
        elif (href := attrs.get("href", "")).startswith("/") and not href.startswith("//"):
            links.append(LinkRef(where=where, text=label, href=href))
    return links


# Which of a body block's fields is which kind of reader-visible text for the checks.
_FIELD_ROLES = {"text": BODY, "attribution": OTHER}


def stream_parts(
    body, *, prefix: str = "body"
) -> tuple[list[TextPart], list[ImageRef], list[LinkRef]]:
    """Return the reader-visible text, images and links of a StreamField value."""
    parts: list[TextPart] = []
    images: list[ImageRef] = []
    links: list[LinkRef] = []
    for block in body_blocks(body):
        where = f"{prefix}, block {block.position} ({block.kind})"
        if block.kind == "image":
            image = block.image
            alt = block.field("alt_text") or (getattr(image, "description", "") if image else "")
            images.append(
                ImageRef(
                    where=f"image in {where}",
                    alt=alt or "",
                    caption=block.field("caption"),
                    credit=block.field("credit"),
                )
            )
        for part in block.parts:
            if part.field in _FIELD_ROLES:
                parts.append(TextPart(where=where, text=part.text, role=_FIELD_ROLES[part.field]))
            else:  # an image's caption, credit or alt text
                parts.append(
                    TextPart(where=f"{part.field} of {where}", text=part.text, role=CAPTION)
                )
        if block.html:
            links.extend(rich_text_links(block.html, where=where))
    return parts, images, links


def _admin_url(page) -> str:
    if not getattr(page, "pk", None):
        return ""
    from django.urls import reverse

    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def article_subject(article, *, now: dt.datetime, sections: list[str] | None = None) -> Subject:
    """Describe an article (saved, or the editor's unsaved form instance) for the checks.

    An unpublished story without a publication date is judged as if published `now`.
    """
    from dateline.corrections.selectors import article_notes
    from dateline.newsroom.selectors import article_sections

    if sections is None:
        try:
            sections = [section.title for section in article_sections(article=article)]
        except ValueError:  # an unsaved instance cannot read its many-to-many yet
            sections = []
    parts = [TextPart(where="headline", text=article.title or "", role=HEADLINE)]
    if article.standfirst:
        parts.append(TextPart(where="standfirst", text=article.standfirst, role=STANDFIRST))
    body_parts, images, links = stream_parts(article.body)
    parts.extend(body_parts)
    if article.lead_image_id:
        lead = article.lead_image
        images.insert(
            0,
            ImageRef(
                where="lead image",
                alt=getattr(lead, "description", "") or "",
                caption=article.lead_image_caption,
                credit=article.lead_image_credit,
            ),
        )
    for name in ("lead_image_caption", "lead_image_credit"):
        if getattr(article, name):
            parts.append(
                TextPart(where=name.replace("_", " "), text=getattr(article, name), role=CAPTION)
            )
    # Notes on the story are reader-visible text too (empty ones are the note-empty check's).
    for number, note in enumerate(article_notes(article=article), start=1):
        where = f"{note.get_kind_display().lower()} {number} (Corrections menu)"
        parts.append(TextPart(where=where, text=note.text, role=NOTE))
    published = article.published_at or article.first_published_at
    if published is None and not article.live:
        published = article.go_live_at or now
    return Subject(
        kind="article",
        label=f"Article “{article.title}”",
        parts=parts,
        url=article.url or "" if article.pk else "",
        admin_url=_admin_url(article),
        page_id=article.pk,
        title=article.title or "",
        standfirst=article.standfirst or "",
        published_at=published,
        updated_at=article.updated_at,
        go_live_at=article.go_live_at,
        sections=sections,
        images=images,
        links=links,
        story_body=body_text(article.body),
    )


def page_subject(page) -> Subject:
    """Describe a non-article page (home, section, standard page) for the checks."""
    parts = [TextPart(where="title", text=page.title, role=OTHER)]
    images: list[ImageRef] = []
    links: list[LinkRef] = []
    if getattr(page, "intro", ""):
        parts.append(TextPart(where="intro", text=page.intro, role=OTHER))
    if hasattr(page, "body"):
        body_parts, images, links = stream_parts(page.body)
        # Page bodies are checked like any other reader-visible text.
        parts.extend(TextPart(where=p.where, text=p.text, role=OTHER) for p in body_parts)
    return Subject(
        kind="page",
        label=f"{page.specific_class._meta.verbose_name.capitalize()} “{page.title}”",
        parts=parts,
        url=page.url or "",
        admin_url=_admin_url(page),
        page_id=page.pk,
        title=page.title,
        images=images,
        links=links,
    )


def site_settings_subject(settings, *, admin_url: str = "") -> Subject:
    """Describe the site settings readers see on every page (name, tagline, About Us blurb)."""
    parts = [
        TextPart(where=f"Site settings: {label}", text=getattr(settings, name) or "", role=OTHER)
        for name, label in (
            ("site_name", "site name"),
            ("tagline", "tagline"),
            ("about_blurb", "About Us blurb"),
        )
    ]
    return Subject(
        kind="setting",
        label=f"Site settings of “{settings.site_name}”",
        parts=[part for part in parts if part.text],
        admin_url=admin_url,
    )


def author_subject(author) -> Subject:
    """Describe an author snippet (name and bio appear on their page and bylines)."""
    parts = [TextPart(where="author name", text=author.name, role=OTHER)]
    if author.bio:
        parts.append(TextPart(where="author bio", text=author.bio, role=OTHER))
    return Subject(
        kind="snippet",
        label=f"Author “{author.name}”",
        parts=parts,
        url=author.get_absolute_url(),
    )


def text_subject(
    text: str,
    *,
    title: str = "",
    published_at: dt.datetime | None = None,
    sections: list[str] | None = None,
    label: str = "Text",
) -> Subject:
    """Describe a plain passage as if it were an article body (paragraphs at blank lines)."""
    parts = [TextPart(where="headline", text=title, role=HEADLINE)] if title else []
    parts += [
        TextPart(where=f"body, paragraph {number}", text=paragraph, role=BODY)
        for number, paragraph in enumerate(plain_paragraphs(text), start=1)
    ]
    return Subject(
        kind="text",
        label=label,
        parts=parts,
        title=title,
        published_at=published_at,
        sections=sections or [],
    )


_DATE_LINE = re.compile(r"^([A-Z]+ \d{1,2}, \d{4})$")
_OTD_YEAR = re.compile(r"\b(?:on this day|on \w+ \d{1,2}),?\s+(\d{3,4})\b", re.I)


def page_text_subjects(
    text: str,
    *,
    known_sections: list[str] | None = None,
    on_this_day_date: dt.date | None = None,
) -> list[Subject]:
    """Split the text of a whole article page, as copied from a browser, into subjects.

    Understands the reader page's order: date line, sections, headline, body, "Related News",
    "About Us" and its blurb, "On this day" and its entry. The article is judged as published on the
    date line, and the On this day entry as shown on that day. A page's text rarely states the
    entry's own date: pass `on_this_day_date` (from the almanac or a reference) to check it.
    """
    lines = [line.strip() for line in text.splitlines()]
    # The date line and the section names are single lines at the top of the page.
    head = [i for i, line in enumerate(lines) if line][:2]
    published: dt.datetime | None = None
    sections: list[str] = []
    if head and _DATE_LINE.match(lines[head[0]]):
        published = dt.datetime.strptime(lines[head[0]].title(), "%B %d, %Y").replace(tzinfo=dt.UTC)
        lines[head[0]] = ""
        if len(head) > 1 and len(lines[head[1]]) < 80 and re.search(r"\bNews\b", lines[head[1]]):
            sections = re.findall(r"[A-Z][\w-]*(?: [A-Z][\w-]*)*? News\b", lines[head[1]])
            lines[head[1]] = ""
    sections = sections or list(known_sections or [])
    blocks = plain_paragraphs("\n".join(lines))
    title = blocks.pop(0) if blocks else ""
    lowered = [block.lower() for block in blocks]

    def index_of(*names: str) -> int:
        return next((i for i, block in enumerate(lowered) if block in names), len(blocks))

    related, about, otd = index_of("related news"), index_of("about us"), index_of("on this day")
    body = blocks[: min(related, about, otd)]
    article = text_subject(
        "\n\n".join(body), title=title, published_at=published, sections=sections, label="Article"
    )
    article.kind = "article"
    subjects = [article]
    if about < len(blocks):
        end = min([i for i in (otd, len(blocks)) if i > about])
        blurb = " ".join(blocks[about + 1 : end])
        subjects.append(
            Subject(
                kind="setting",
                label="About Us blurb",
                parts=[TextPart(where="About Us blurb", text=blurb, role=OTHER)],
            )
        )
    if otd < len(blocks):
        entries = [block for block in blocks[otd + 1 :] if block.lower() not in {"on this day", ""}]
        if entries and published is not None:
            entry = entries[0]
            year = _OTD_YEAR.search(entry)
            subjects.append(
                Subject(
                    kind="site",
                    label="On this day",
                    on_this_day=[
                        OnThisDayShown(
                            shown_on=published.date(),
                            year=int(year.group(1)) if year else None,
                            text=entry,
                            event_date=on_this_day_date,
                        )
                    ],
                )
            )
    return subjects
