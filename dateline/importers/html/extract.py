"""Read a saved article page: its headline, date, authors, sections, lead image and body.

The page's own metadata is trusted first — JSON-LD (`NewsArticle` and kin), then OpenGraph and
`article:*` tags, then other meta tags — because publishers write it for machines and it rarely
carries page furniture. `trafilatura` finds the body (and fills any metadata the page lacks). Nothing
is fetched: a lead image is imported only when the saved page's own folder holds the file.

Plain-text captures (`.txt`) are read by `dateline.importers.html.plaintext` into the same
`Extracted` shape; `dateline.importers.html.run` maps either onto the import pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from dateline.importers.content import text_of

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

    def as_json(self) -> dict[str, Any]:
        """Return the fields for `--format json`: plain values, the body as text."""
        data = asdict(self)
        data.pop("body_html")
        data.pop("paragraphs")
        data["published"] = self.published.isoformat() if self.published else None
        return data


# How both trafilatura passes read a page (metadata and text, then the body as HTML).
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": True,
    "favor_recall": True,
    "deduplicate": False,
}


def _first(*values: Any) -> Any:
    for value in values:
        if value:
            return value
    return values[-1] if values else None


def _names(value: object) -> list[str]:
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


def _strings(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _image_url(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("url") or value.get("contentUrl") or "")
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return ""


def _json_ld_articles(doc: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def visit(node: object) -> None:
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


def _meta(doc: lxml.html.HtmlElement) -> dict[str, list[str]]:
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

    def traf(name: str) -> Any:  # a trafilatura metadata field, "" when absent
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
