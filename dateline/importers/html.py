"""Import saved article pages: extract headline, date, authors, sections, lead image and body.

The page's own metadata is trusted first — JSON-LD (`NewsArticle` and kin), then OpenGraph and
`article:*` tags, then other meta tags — because publishers write it for machines and it rarely
carries page furniture. `trafilatura` finds the body (and fills any metadata the page lacks). Nothing
is fetched: a lead image is imported only when the saved page's own folder holds the file.

Plain-text captures (`.txt`) are read by `dateline.importers.plaintext`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import trafilatura
from django.utils.text import slugify
from lxml import etree

from dateline.core.selectors import site_settings_for
from dateline.importers.content import html_to_blocks, plain_text_blocks, text_of
from dateline.importers.models import ImportedItem
from dateline.importers.plaintext import capture_parse
from dateline.importers.services import (
    IMAGE_EXTENSIONS,
    ImportFailed,
    ImportReport,
    Progress,
    checksum_of,
    import_transaction,
    imported_item_get,
    imported_item_record,
)
from dateline.newsroom.models import ArticlePage, SectionPage
from dateline.newsroom.services import (
    article_save,
    author_ensure,
    image_ensure,
    section_ensure,
    site_ensure,
)

HTML = ImportedItem.Source.HTML
PAGE_SUFFIXES = {".html", ".htm", ".xhtml", ".txt", ".gz"}
_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "socialmediaposting",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "webpage",
    "videoobject",
}
MAX_PAGE_BYTES = 20 * 1024 * 1024


@dataclass
class Extracted:
    """What a saved page says about its article."""

    headline: str = ""
    published: dt.datetime | None = None
    authors: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    lead_image: str = ""
    standfirst: str = ""
    canonical_url: str = ""
    body_text: str = ""
    body_html: str = ""
    paragraphs: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """Return the fields for `--format json`: plain values, the body as text."""
        data = asdict(self)
        data.pop("body_html")
        data.pop("paragraphs")
        data["published"] = self.published.isoformat() if self.published else None
        return data


# How both trafilatura passes read a page (metadata and text, then the body as HTML).
_TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": True,
    "favor_recall": True,
    "deduplicate": False,
}


def _first(*values):
    for value in values:
        if value:
            return value
    return values[-1] if values else None


def _names(value) -> list[str]:
    """Return the people named in a JSON-LD author value (string, object or list)."""
    if not value:
        return []
    if isinstance(value, str):
        return [
            part.strip() for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", value) if part.strip()
        ]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [str(n).strip() for n in name if n]
        return [str(name).strip()] if name else []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_names(item))
        return out
    return []


def _strings(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _image_url(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("url") or value.get("contentUrl") or "")
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return ""


def _json_ld_articles(doc) -> list[dict]:
    found: list[dict] = []

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            kinds = node.get("@type", "")
            kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
            if any(str(k).lower() in _ARTICLE_TYPES for k in kinds):
                found.append(node)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if isinstance(node.get(key), (list, dict)):
                    visit(node[key])

    for script in doc.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip().removeprefix("<!--").removesuffix("-->")
        try:
            visit(json.loads(raw, strict=False))
        except (ValueError, RecursionError):
            continue
    # Prefer real articles over generic web pages.
    found.sort(key=lambda n: str(n.get("@type", "")).lower() in {"webpage", "videoobject"})
    return found


def _meta(doc) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for element in doc.xpath("//meta[@content]"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        key = key.strip().lower()
        content = (element.get("content") or "").strip()
        if key and content:
            meta.setdefault(key, []).append(content)
    return meta


def parse_datetime(value: str) -> dt.datetime | None:
    """Return a datetime from an ISO-like or common date string, keeping its offset (UTC if none)."""
    value = (value or "").strip()
    if not value:
        return None
    candidate = value.replace("Z", "+00:00")
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)
    try:
        parsed = dt.datetime.fromisoformat(candidate)
    except ValueError:
        parsed = None
        for fmt in (
            "%Y-%m-%d %H:%M:%S",
            "%Y/%m/%d",
            "%a, %d %b %Y %H:%M:%S %z",
            "%B %d, %Y",
            "%b %d, %Y",
            "%d %B %Y",
            "%Y%m%d",
        ):
            try:
                parsed = dt.datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "publish-date",
    "publish_date",
    "pubdate",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "article.published",
    "cxenseparse:recs:publishtime",
    "og:updated_time",
)


_TITLE_SEPARATORS = re.compile(r"\s+(?:\||--|–|—|::|»|·|-)\s+")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _clean_headline(title: str, site_names: Iterable[str]) -> str:
    """Remove the site and section names a page's <title> adds before or after the headline.

    A segment is removed when it is a known site name, or short (up to five words) beside a longer
    rest, so "Headline -- Puppet Masters -- Sott.net" gives "Headline".
    """
    title = " ".join(title.split())
    names = {n.lower() for n in site_names if n}
    while True:
        parts = _TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        separators = _TITLE_SEPARATORS.findall(title)
        first, last = parts[0], parts[-1]
        rest_after_last = title[: len(title) - len(last) - len(separators[-1])]
        rest_after_first = title[len(first) + len(separators[0]) :]
        if last.lower() in names or (len(_words(last)) <= 5 and len(last) < len(rest_after_last)):
            title = rest_after_last.strip()
        elif first.lower() in names:
            title = rest_after_first.strip()
        else:
            return title


def _choose_headline(title: str, h1: str, fallbacks: list[str]) -> str:
    """Return the page's headline: its <title> without site names, unless that shortens the <h1>.

    Newsrooms often put a shorter or older wording in <title>; when at least 80% of its words are
    in a longer <h1>, the <h1> is the headline readers saw.
    """
    if not title:
        return h1 or next((f for f in fallbacks if f), "")
    if h1 and len(h1) > len(title):
        title_words, h1_words = _words(title), set(_words(h1))
        if title_words and sum(w in h1_words for w in title_words) / len(title_words) >= 0.8:
            return h1
    return title


def page_extract(markup: str | bytes, *, url: str | None = None) -> Extracted:
    """Return the article a saved HTML page holds: metadata from the page, body from trafilatura."""
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", errors="replace")
    result = Extracted()
    try:
        doc = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return result
    ld = _json_ld_articles(doc)
    meta = _meta(doc)

    def m(*keys: str) -> str:
        for key in keys:
            if meta.get(key):
                return meta[key][0]
        return ""

    article = ld[0] if ld else {}
    site_names = [m("og:site_name"), m("application-name"), m("twitter:site").lstrip("@")]
    publisher = article.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        site_names.append(publisher["name"])

    extracted = trafilatura.bare_extraction(
        markup, url=url, with_metadata=True, **_TRAFILATURA_OPTIONS
    )

    def traf(name: str):  # noqa: ANN202 - a trafilatura metadata field, "" when absent
        return getattr(extracted, name, None) or ""

    h1s = [" ".join(h.text_content().split()) for h in doc.xpath("//body//h1")]
    page_title = " ".join((doc.findtext(".//title") or "").split())
    headline = _choose_headline(
        _clean_headline(page_title, site_names),
        h1s[0] if h1s else "",
        [
            _clean_headline(candidate, site_names)
            for candidate in (
                str(article.get("headline") or "").strip(),
                m("og:title"),
                m("twitter:title"),
                str(traf("title")),
            )
        ],
    )
    result.headline = text_of(headline)

    date_raw = _first(
        str(article.get("datePublished") or "").strip(),
        m(*_DATE_KEYS),
        *(t.get("datetime", "") for t in doc.xpath("//time[@datetime]")[:1]),
        str(traf("date")),
    )
    result.published = parse_datetime(date_raw)

    authors = _names(article.get("author")) or _names(article.get("creator"))
    if not authors:
        raw = m("author", "parsely-author", "sailthru.author", "dc.creator", "byl")
        raw = re.sub(r"^by\s+", "", raw, flags=re.I)
        authors = _names(raw) if raw and not raw.startswith("http") else []
    if not authors and traf("author"):
        authors = [a.strip() for a in str(traf("author")).split(";") if a.strip()]
    # Organisations credited as authors ("CNN", the site's own name) are not bylines.
    not_people = {n.lower() for n in site_names if n}
    result.authors = list(
        dict.fromkeys(
            a
            for a in authors
            if len(a) < 100 and a.lower() not in not_people and not (a.isupper() and " " not in a)
        )
    )

    sections = _strings(article.get("articleSection"))
    sections = sections or meta.get("article:section", []) or _strings(traf("categories"))
    result.sections = list(dict.fromkeys(sections))
    keywords = article.get("keywords")
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",")]
    result.tags = list(dict.fromkeys(_strings(keywords) or meta.get("article:tag", [])))[:20]
    result.lead_image = _first(
        _image_url(article.get("image")), m("og:image", "twitter:image"), str(traf("image"))
    )
    result.standfirst = _first(
        str(article.get("description") or "").strip(), m("og:description", "description")
    )
    canonical = doc.xpath('//link[@rel="canonical"]/@href')
    result.canonical_url = _first(
        canonical[0].strip() if canonical else "", m("og:url"), str(traf("url")), url or ""
    )

    body_html = ""
    if extracted is not None:
        body_xml = trafilatura.extract(
            markup, output_format="html", include_links=True, **_TRAFILATURA_OPTIONS
        )
        body_html = body_xml or ""
        result.body_text = str(getattr(extracted, "text", "") or "")
    result.body_html = body_html
    paragraphs = [p.strip() for p in re.split(r"\n+", result.body_text) if p.strip()]
    if paragraphs and paragraphs[0] == result.headline:
        paragraphs.pop(0)
    result.paragraphs = paragraphs
    result.body_text = "\n".join(paragraphs)
    return result


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


def read_page(path: Path) -> bytes:
    """Return a saved page's bytes (gunzipped for .gz), refusing files too large to be one page."""
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise ImportFailed(f"{path}: larger than {MAX_PAGE_BYTES // 2**20} MB, not a saved page.")
    data = path.read_bytes()
    if path.suffix == ".gz":
        with gzip.GzipFile(fileobj=__import__("io").BytesIO(data)) as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
        if len(data) > MAX_PAGE_BYTES:
            raise ImportFailed(f"{path}: expands past {MAX_PAGE_BYTES // 2**20} MB.")
    return data


def page_paths(source: Path) -> list[Path]:
    """Return the saved pages at `source`: the file itself, or every page under the folder, sorted."""
    if source.is_file():
        return [source]
    if source.is_dir():
        return sorted(
            p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
        )
    raise ImportFailed(f"{source}: no such file or folder.")


def _local_image(path: Path, url: str) -> Path | None:
    """Return the saved copy of an image beside the page (browsers save `page_files/`), if any."""
    if not url:
        return None
    name = Path(unquote(urlsplit(url).path)).name
    if not name or Path(name).suffix.lower() not in IMAGE_EXTENSIONS:
        return None
    folder = path.parent
    candidates = [folder / unquote(url)] if not urlsplit(url).scheme else []
    candidates += [folder / name, *folder.glob(f"*_files/{name}")]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except OSError:
            continue
        if resolved.is_file() and resolved.is_relative_to(folder.resolve()):
            return resolved
    return None


def html_import(
    *,
    source: Path,
    section: str | None = None,
    commit: bool = False,
    default_author: str = "Staff",
    progress: Progress | None = None,
) -> ImportReport:
    """Import saved article pages (HTML or plain-text captures) as articles, in one transaction.

    Each page is keyed on its canonical URL (or, without one, its file's hash), so a second run
    updates or skips instead of duplicating. Rolled back unless `commit`.
    """
    paths = page_paths(source)
    report = ImportReport(committed=commit)
    wrap = progress or (lambda items: items)
    try:
        _html_import_run(
            paths=paths,
            section=section,
            commit=commit,
            default_author=default_author,
            report=report,
            wrap=wrap,
        )
    except KeyboardInterrupt as exc:
        raise ImportFailed("interrupted: nothing was imported") from exc
    return report


def _html_import_run(
    *,
    paths: list[Path],
    section: str | None,
    commit: bool,
    default_author: str,
    report: ImportReport,
    wrap,
) -> None:
    with import_transaction(commit=commit):
        home = site_ensure()
        known = list(SectionPage.objects.child_of(home).values_list("title", flat=True))
        for path in wrap(paths):
            try:
                data = read_page(path)
                if path.suffix.lower() == ".txt":
                    extracted = capture_extract(
                        data.decode("utf-8", errors="replace"), known_sections=known
                    )
                else:
                    extracted = page_extract(data)
                _import_page(
                    path=path,
                    data=data,
                    extracted=extracted,
                    home=home,
                    section_name=section,
                    default_author=default_author,
                    report=report,
                )
            except ImportFailed:
                raise
            except Exception as exc:
                raise ImportFailed(f"{path}: {exc}") from exc


def _import_page(
    *,
    path: Path,
    data: bytes,
    extracted: Extracted,
    home,
    section_name: str | None,
    default_author: str,
    report: ImportReport,
) -> None:
    details = {"file": str(path), **extracted.as_json()}
    if not extracted.headline or not (extracted.paragraphs or extracted.body_html):
        report.count("article", "skip")
        report.note(f"{path.name}: no headline or body found, not imported")
        report.items.append({**details, "action": "skip"})
        return
    key = extracted.canonical_url or f"sha256:{hashlib.sha256(data).hexdigest()}"
    origin = urlsplit(extracted.canonical_url).netloc.lower() or "file"
    record = imported_item_get(source=HTML, origin=origin, kind="article", source_id=key)

    names = [section_name] if section_name else (extracted.sections or ["News"])
    sections = [
        _section_for(home, name) for name in dict.fromkeys(n.strip() for n in names if n.strip())
    ]
    author_names = extracted.authors or [default_author]
    authors = [
        author_ensure(slug=slugify(name)[:200] or "staff", name=name[:200])
        for name in dict.fromkeys(author_names)
    ]
    lead_image = None
    image_file = _local_image(path, extracted.lead_image)
    if image_file is not None:
        lead_image = image_ensure(path=image_file, title=extracted.headline[:255])
    elif extracted.lead_image:
        report.note(f"{path.name}: lead image not saved with the page, not imported")
    if extracted.body_html:
        body = html_to_blocks(extracted.body_html)
        blocks = body.blocks
        if (
            blocks
            and blocks[0].get("type") == "subheading"
            and (blocks[0]["value"] == extracted.headline)
        ):
            blocks = blocks[1:]
    else:
        blocks = plain_text_blocks(extracted.paragraphs)
    primary, further = sections[0], sections[1:]
    existing = (
        ArticlePage.objects.filter(pk=record.target_id).first()
        if record and record.target_id
        else None
    )
    slug = existing.slug if existing else (slugify(extracted.headline)[:80] or "article")
    if existing is None:
        base, counter = slug, 1
        while primary.get_children().filter(slug=slug).exists():
            counter += 1
            slug = f"{base}-{counter}"
    checksum = checksum_of(
        [
            slug,
            primary.pk,
            [s.pk for s in further],
            extracted.headline,
            blocks,
            [a.pk for a in authors],
            extracted.published,
            lead_image.pk if lead_image else None,
        ]
    )
    if existing is not None and record.checksum == checksum:
        report.count("article", "skip")
        report.items.append({**details, "action": "skip", "url": existing.url})
        return
    if existing is not None and existing.get_parent().pk != primary.pk:
        existing.move(primary, pos="last-child")
    article = article_save(
        section=primary,
        slug=slug,
        title=extracted.headline[:255],
        body=blocks,
        authors=authors,
        published_at=extracted.published,
        additional_sections=further,
        lead_image=lead_image,
    )
    action = "update" if existing is not None else "create"
    report.count("article", action)
    imported_item_record(
        source=HTML,
        origin=origin,
        kind="article",
        source_id=key,
        target_id=article.pk,
        checksum=checksum,
    )
    report.items.append({**details, "action": action, "url": article.url})


def _section_for(home, name: str) -> SectionPage:
    """Return the section called `name` (by title or slug), creating it only when there is none.

    An existing section is used as it is, so importing never rewrites an editor's section intro.
    """
    existing = SectionPage.objects.child_of(home).filter(title__iexact=name).first()
    existing = existing or SectionPage.objects.child_of(home).filter(slug=slugify(name)).first()
    if existing is not None:
        return existing
    # Metadata often gives the section as a URL word ("politics"): show it as a title.
    title = name if any(c.isupper() for c in name) else name.title()
    return section_ensure(home=home, slug=_section_slug(home, name), title=title[:255])


def _section_slug(home, name: str) -> str:
    slug = slugify(name)[:200] or "news"
    if slug in {"authors", "tags"}:
        slug = f"{slug}-section"
    clash = home.get_children().filter(slug=slug).first()
    if clash is not None and clash.specific_class is not SectionPage:
        slug = f"{slug}-section"
    return slug
