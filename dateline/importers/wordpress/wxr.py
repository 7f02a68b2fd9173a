"""Read WordPress export files (WXR 1.0–1.2) safely, as a stream.

Parsing goes through defusedxml's `iterparse` (expat): entity declarations, external entities and
DTD-driven expansion are refused, so an "entity bomb" or a file that tries to read the disk or network
fails with a message instead of doing so. Items are handed out one at a time and their elements cleared
afterwards, so memory stays bounded however large the export is.

An export is read twice by the importer: `wxr_index` collects the small things every post may refer to
(site, version, authors, categories, tags, attachments), then `wxr_items` streams posts and pages.
Every problem raises `WXRError` naming the line or item at fault.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}
# WordPress wrote its namespaces with http:// for years; newer exports (and the theme test data) use
# https://. Any version number is accepted here; the version check decides what is supported.
_WP_NS = re.compile(r"^https?://wordpress\.org/export/[\d.]+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/[\d.]+/excerpt/$")
_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WXRError(Exception):
    """The export cannot be imported; the message says where and why."""


@functools.lru_cache(maxsize=4096)
def _short(tag: str) -> str:
    """Return a namespaced tag as `prefix:name` whatever URI the export used for the prefix.

    Remembered: an export has a few dozen distinct tags, asked about millions of times.
    """
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    if _EXCERPT_NS.match(uri):
        return f"excerpt:{name}"
    if _WP_NS.match(uri):
        return f"wp:{name}"
    prefix = _NAMESPACES.get(uri)
    return f"{prefix}:{name}" if prefix else name


def _text(element: Element, name: str) -> str:
    for child in element:
        if _short(child.tag) == name:
            return child.text or ""
    return ""


@dataclass
class WXRAuthor:
    """An author of the export (`wp:author`, or a post's `dc:creator` the header did not declare)."""

    login: str
    display_name: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    # False for a login only a post's dc:creator names (the header did not declare it).
    declared: bool = True


@dataclass
class WXRTerm:
    """A category or tag, keyed on its slug; a category may name its parent's slug."""

    term_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class WXRAttachment:
    """A media item: its URL, title, alt text, caption and the path of its file under uploads."""

    post_id: str
    url: str
    title: str
    alt: str = ""
    caption: str = ""
    file: str = ""  # _wp_attached_file: the path under wp-content/uploads/


@dataclass
class WXRItem:
    """A post or page (or another item type, which the importer reports and skips)."""

    post_id: str
    post_type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    slug: str
    status: str
    date_gmt: dt.datetime | None
    modified_gmt: dt.datetime | None
    parent_id: str
    menu_order: int
    sticky: bool
    password: bool
    categories: list[tuple[str, str]] = field(default_factory=list)  # (nicename, name)
    tags: list[tuple[str, str]] = field(default_factory=list)
    thumbnail_id: str = ""
    comments: int = 0
    line: int = 0

    @property
    def label(self) -> str:
        """Name the item for messages: type, id and title."""
        return f"{self.post_type} {self.post_id} {self.title[:60]!r}"


@dataclass
class WXRIndex:
    """What an export holds besides its posts: enough to resolve every reference in one pass."""

    version: str = ""
    title: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    link: str = ""
    authors: dict[str, WXRAuthor] = field(default_factory=dict)
    categories: dict[str, WXRTerm] = field(default_factory=dict)  # by slug
    tags: dict[str, WXRTerm] = field(default_factory=dict)  # by slug
    attachments: dict[str, WXRAttachment] = field(default_factory=dict)  # by post id
    item_types: dict[str, int] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """Return the key of the exported site, used to recognise its items on a later run."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/") or "unknown"


def _parse_gmt(raw: str) -> dt.datetime | None:
    raw = raw.strip()
    if not raw or raw.startswith("0000-00-00"):
        return None
    try:
        value = dt.datetime.strptime(raw, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return value.replace(tzinfo=dt.UTC)


def _events(path: Path) -> Iterator[tuple[str, Element, int]]:
    """Yield (event, element, line) from the export, turning parser failures into WXRError.

    The file is fed to the parser line by line so each event knows the line it happened on.
    """
    parser = DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    pull = XMLPullParser(events=("start", "end"), _parser=parser)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise WXRError(f"{path}: cannot be read ({exc.strerror}).") from exc
    line = 0

    def read() -> Iterator[tuple[str, Element]]:
        # Only "start" and "end" events were asked for, and both carry their element.
        return cast("Iterator[tuple[str, Element]]", pull.read_events())

    try:
        with handle:
            for line, raw in enumerate(handle, start=1):  # noqa: B007 - line is used after
                pull.feed(raw)
                for event, element in read():
                    yield event, element, line
            pull.close()
            for event, element in read():
                yield event, element, line
    except ParseError as exc:
        where, column = exc.position
        reason = str(exc).split(":")[0]
        raise WXRError(
            f"{path.name}: not well-formed XML at line {where}, column {column + 1} ({reason}); "
            "nothing was imported."
        ) from exc
    except DefusedXmlException as exc:
        raise WXRError(
            f"{path.name}: line {line}: refused: the file declares entities or external "
            f"references ({type(exc).__name__}), which an export never needs."
        ) from exc


def _read_item(element: Element, line: int) -> WXRItem:
    categories, tags = [], []
    thumbnail = ""
    comments = 0
    for child in element:
        name = _short(child.tag)
        if name == "wp:comment":
            comments += 1
        elif name == "category":
            pair = (child.get("nicename") or "", (child.text or "").strip())
            domain = child.get("domain")
            if domain == "category":
                categories.append(pair)
            elif domain == "post_tag":
                tags.append(pair)
        elif name == "wp:postmeta" and _text(child, "wp:meta_key") == "_thumbnail_id":
            thumbnail = _text(child, "wp:meta_value").strip()
    post_id = _text(element, "wp:post_id").strip()
    try:
        menu_order = int(_text(element, "wp:menu_order").strip() or 0)
    except ValueError:
        menu_order = 0
    return WXRItem(
        post_id=post_id,
        post_type=_text(element, "wp:post_type").strip() or "post",
        title=(_text(element, "title") or "").strip(),
        link=_text(element, "link").strip(),
        guid=_text(element, "guid").strip(),
        creator=_text(element, "dc:creator").strip(),
        content=_text(element, "content:encoded"),
        excerpt=_text(element, "excerpt:encoded").strip(),
        slug=_text(element, "wp:post_name").strip(),
        status=_text(element, "wp:status").strip() or "publish",
        date_gmt=_parse_gmt(_text(element, "wp:post_date_gmt"))
        or _parse_gmt(_text(element, "wp:post_date")),
        modified_gmt=_parse_gmt(_text(element, "wp:post_modified_gmt")),
        parent_id=_text(element, "wp:post_parent").strip(),
        menu_order=menu_order,
        sticky=_text(element, "wp:is_sticky").strip() == "1",
        password=bool(_text(element, "wp:post_password").strip()),
        categories=categories,
        tags=tags,
        thumbnail_id=thumbnail,
        comments=comments,
        line=line,
    )


def _term(element: Element, kind: str) -> WXRTerm:
    if kind == "category":
        return WXRTerm(
            term_id=_text(element, "wp:term_id").strip(),
            slug=_text(element, "wp:category_nicename").strip(),
            name=_text(element, "wp:cat_name").strip(),
            parent_slug=_text(element, "wp:category_parent").strip(),
            description=_text(element, "wp:category_description").strip(),
        )
    if kind == "tag":
        return WXRTerm(
            term_id=_text(element, "wp:term_id").strip(),
            slug=_text(element, "wp:tag_slug").strip(),
            name=_text(element, "wp:tag_name").strip(),
            description=_text(element, "wp:tag_description").strip(),
        )
    return WXRTerm(
        term_id=_text(element, "wp:term_id").strip(),
        slug=_text(element, "wp:term_slug").strip(),
        name=_text(element, "wp:term_name").strip(),
        parent_slug=_text(element, "wp:term_parent").strip(),
        description=_text(element, "wp:term_description").strip(),
    )


def _walk(path: Path) -> Iterator[tuple[str, Element, int]]:
    """Yield the export's top-level channel children as (short tag, element, line), then clear them.

    Checks the envelope as it goes: an `<rss>` root with a `<channel>`, and a supported WXR version
    before the first item.
    """
    depth = 0
    root_seen = channel_seen = False
    version = ""
    start_line = 0
    channel: Element | None = None
    for event, element, line in _events(path):
        if event == "start":
            depth += 1
            if depth == 1:
                root_seen = True
                if _short(element.tag) != "rss":
                    raise WXRError(
                        f"{path.name}: line {line}: the root element is <{_short(element.tag)}>, "
                        "not <rss>: this is not a WordPress export."
                    )
            elif depth == 2 and _short(element.tag) == "channel":
                channel_seen = True
                channel = element
            elif depth == 3:
                start_line = line
            continue
        depth -= 1
        if depth != 2 or channel is None:
            continue
        name = _short(element.tag)
        if name == "wp:wxr_version":
            version = (element.text or "").strip()
            if version not in SUPPORTED_VERSIONS:
                raise WXRError(
                    f"{path.name}: line {line}: WXR version {version!r} is not supported "
                    f"(supported: {', '.join(sorted(SUPPORTED_VERSIONS))})."
                )
        elif name == "item" and not version:
            raise WXRError(
                f"{path.name}: line {line}: the export has no <wp:wxr_version> before its first "
                "item, so it is not a WordPress export this importer can trust."
            )
        yield name, element, start_line
        # Bounded memory: drop what has been read.
        element.clear()
        channel.remove(element)
    if not root_seen:
        raise WXRError(f"{path.name}: the file is empty.")
    if not channel_seen:
        raise WXRError(f"{path.name}: there is no <channel> element: not a WordPress export.")
    if not version:
        raise WXRError(f"{path.name}: the export has no <wp:wxr_version>: not a WordPress export.")


def wxr_index(path: Path) -> WXRIndex:
    """Read the export once, checking it fully, and return everything posts may refer to.

    Raises WXRError for malformed XML, unknown versions or a file that is not an export, before
    anything has been written.
    """
    index = WXRIndex()
    for name, element, line in _walk(path):
        if name == "wp:wxr_version":
            index.version = (element.text or "").strip()
        elif name == "title":
            index.title = (element.text or "").strip()
        elif name == "link":
            index.link = (element.text or "").strip()
        elif name == "wp:base_site_url":
            index.base_site_url = (element.text or "").strip()
        elif name == "wp:base_blog_url":
            index.base_blog_url = (element.text or "").strip()
        elif name == "wp:author":
            login = _text(element, "wp:author_login").strip()
            if not login:
                raise WXRError(f"{path.name}: line {line}: an author has no login.")
            index.authors[login] = WXRAuthor(
                login=login,
                display_name=_text(element, "wp:author_display_name").strip() or login,
                email=_text(element, "wp:author_email").strip(),
                first_name=_text(element, "wp:author_first_name").strip(),
                last_name=_text(element, "wp:author_last_name").strip(),
            )
        elif name == "wp:category":
            term = _term(element, "category")
            if term.slug:
                index.categories[term.slug] = term
        elif name == "wp:tag":
            term = _term(element, "tag")
            if term.slug:
                index.tags[term.slug] = term
        elif name == "wp:term":
            taxonomy = _text(element, "wp:term_taxonomy").strip()
            term = _term(element, "term")
            if taxonomy == "category" and term.slug and term.slug not in index.categories:
                index.categories[term.slug] = term
            elif taxonomy == "post_tag" and term.slug and term.slug not in index.tags:
                index.tags[term.slug] = term
        elif name == "item":
            post_type = _text(element, "wp:post_type").strip() or "post"
            index.item_types[post_type] = index.item_types.get(post_type, 0) + 1
            if post_type == "attachment":
                item = _read_item(element, line)
                meta = {
                    _text(m, "wp:meta_key"): _text(m, "wp:meta_value")
                    for m in element
                    if _short(m.tag) == "wp:postmeta"
                }
                index.attachments[item.post_id] = WXRAttachment(
                    post_id=item.post_id,
                    url=_text(element, "wp:attachment_url").strip() or item.guid,
                    title=item.title,
                    alt=meta.get("_wp_attachment_image_alt", "").strip(),
                    caption=item.excerpt,
                    file=meta.get("_wp_attached_file", "").strip(),
                )
            else:
                # Posts may name categories and tags the channel header forgot to declare.
                item = _read_item(element, line)
                for slug, title in item.categories:
                    if slug and slug not in index.categories:
                        index.categories[slug] = WXRTerm(term_id="", slug=slug, name=title or slug)
                for slug, title in item.tags:
                    if slug and slug not in index.tags:
                        index.tags[slug] = WXRTerm(term_id="", slug=slug, name=title or slug)
                if item.creator and item.creator not in index.authors:
                    index.authors[item.creator] = WXRAuthor(
                        login=item.creator, display_name=item.creator, declared=False
                    )
    return index


def wxr_items(path: Path) -> Iterator[WXRItem]:
    """Stream the export's items (posts, pages and the rest) one at a time."""
    for name, element, line in _walk(path):
        if name == "item":
            yield _read_item(element, line)
