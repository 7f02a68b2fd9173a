"""One builder for every page's metadata: description, canonical URL, robots, OpenGraph, Twitter card,
feed links and JSON-LD.

`page_meta_for()` is the only place that knows how a page presents itself to search engines and social
networks; `{% page_meta %}` in base.html renders what it returns on every page type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from wagtail.models import Page, Site

from dateline.core.cachetags import cache_tags_add, page_tag
from dateline.core.memo import site_memo
from dateline.core.selectors import site_settings_for
from dateline.corrections import selectors as corrections
from dateline.distribution import selectors
from dateline.distribution.content import article_description, iso_datetime
from dateline.distribution.feeds import FORMATS, feed_path
from dateline.distribution.models import DistributionSettings
from dateline.newsroom.models import ArticlePage, HomePage, SectionPage, tag_path

# Google asks for several aspect ratios of a NewsArticle's image, each at least 50,000 pixels.
ARTICLE_IMAGE_SPECS = ("fill-1200x675", "fill-1200x900", "fill-1200x1200")
LOGO_SPEC = "max-600x60"
# Characters that could end a <script> element or start markup are written as JSON escapes, and so
# are the line and paragraph separators, which JavaScript before ES2019 (and some JSON-LD readers)
# take for line ends inside a string.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_for_script(data: Any) -> str:
    """Return `data` as JSON that is safe inside a <script> element, whatever strings it holds."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


@dataclass(frozen=True)
class FeedLink:
    type: str
    title: str
    href: str


@dataclass
class PageMeta:
    """What `{% page_meta %}` renders into a page's <head>."""

    description: str = ""
    canonical: str = ""
    robots: str = ""
    og: list[tuple[str, str]] = field(default_factory=list)
    twitter: list[tuple[str, str]] = field(default_factory=list)
    feeds: list[FeedLink] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)


def _absolute(site: Site, url: str) -> str:
    return site.root_url + url if url.startswith("/") else url


def _feed_links(*, label: str, scope: str | None = None, slug: str | None = None) -> list[FeedLink]:
    def build() -> tuple[FeedLink, ...]:
        return tuple(
            FeedLink(
                type=mime,
                title=f"{label} ({name})",
                href=feed_path(fmt=fmt, scope=scope, slug=slug),
            )
            for fmt, (_, mime, name) in FORMATS.items()
        )

    # The same links on every page of a site or section: remembered (core.memo), not reversed anew.
    return list(site_memo(("feed-links", label, scope, slug), build))


# The site settings' standards pages and the NewsMediaOrganization property naming each.
STANDARDS_PAGES = (
    ("corrections_policy_page", "correctionsPolicy"),
    ("ethics_policy_page", "ethicsPolicy"),
    ("masthead_page", "masthead"),
)


def _standards(*, request: HttpRequest | None, core: Any) -> dict[str, str]:
    """Return the publisher's standards pages (corrections policy, ethics, masthead) as set."""
    found: dict[str, str] = {}
    for field_name, prop in STANDARDS_PAGES:
        if getattr(core, f"{field_name}_id", None) is None:
            continue
        standards_page = getattr(core, field_name)
        if not standards_page.live:
            continue
        url = standards_page.get_full_url(request=request)
        if url:
            found[prop] = url
            cache_tags_add(request, page_tag(standards_page.pk))  # its URL may change
    return found


def _note_comments(*, page: ArticlePage, url: str) -> list[dict]:
    """Return the article's notes as schema.org CorrectionComments, oldest first."""
    return [
        {
            "@type": "CorrectionComment",
            "name": note.get_kind_display(),
            "text": note.text,
            "datePublished": iso_datetime(note.made_at),
            "url": f"{url}#{note.anchor}",
        }
        for note in corrections.article_notes(article=page)
    ]


def _publisher(
    *, site: Site, name: str, config: DistributionSettings, standards: dict[str, str]
) -> dict:
    if config.publisher_logo is not None:
        logo = config.publisher_logo.get_rendition(LOGO_SPEC)
        logo_data = {
            "@type": "ImageObject",
            "url": _absolute(site, logo.url),
            "width": logo.width,
            "height": logo.height,
        }
    else:
        logo_data = {"@type": "ImageObject", "url": _absolute(site, static("dateline/favicon.svg"))}
    # A news publisher: schema.org's NewsMediaOrganization (an Organization) names its standards.
    return {
        "@type": "NewsMediaOrganization",
        "name": name,
        "url": site.root_url + "/",
        "logo": logo_data,
        **standards,
    }


def _breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def _listing_canonical(url: str, listing: Any) -> str:
    number = getattr(listing, "number", 1)
    return f"{url}?page={number}" if isinstance(number, int) and number > 1 else url


def page_meta_for(*, request: HttpRequest | None, context: dict) -> PageMeta:
    """Return the metadata of the page being rendered, built from its own fields and context.

    Knows articles, the home page, sections, author and tag routes, and any other page; without a
    page (search, errors) it returns only the site's feed links and social names.
    """
    page = context.get("page")
    site = selectors.request_site(request=request) if request is not None else None
    if site is None:
        description = getattr(page, "search_description", "") or ""
        return PageMeta(description=description)
    core = site_settings_for(request=request)
    config = selectors.distribution_settings_for(site=site)
    site_name = core.site_name
    home_url = site.root_url + "/"
    meta = PageMeta(feeds=_feed_links(label=site_name))
    og: dict[str, Any] = {"og:site_name": site_name, "og:type": "website"}
    twitter = {"twitter:card": "summary"}
    if config.twitter_site:
        twitter["twitter:site"] = "@" + config.twitter_site.lstrip("@")
    image: tuple[str, int, int, str] | None = None
    title = ""
    json_ld: list[dict] = []
    standards = _standards(request=request, core=core)

    if isinstance(page, ArticlePage):
        sections = context.get("sections")
        authors = context.get("authors")
        tags = context.get("tags")
        if sections is None or authors is None or tags is None:
            sections, authors, tags = selectors.article_context(article=page)
        title = page.seo_title or page.title
        meta.description = article_description(article=page)
        meta.canonical = page.get_full_url(request=request)
        published = page.published_at or page.first_published_at
        # A note on the story (a correction) bumps its last-updated time.
        modified = corrections.article_updated_at(article=page) or published
        if published and modified and modified < published:
            modified = published
        image_urls: list[str] = []
        if page.lead_image is not None:
            renditions = page.lead_image.get_renditions(*ARTICLE_IMAGE_SPECS)
            first = renditions[ARTICLE_IMAGE_SPECS[0]]
            image = (
                _absolute(site, first.url),
                first.width,
                first.height,
                page.lead_image.default_alt_text or "",
            )
            image_urls = [_absolute(site, renditions[spec].url) for spec in ARTICLE_IMAGE_SPECS]
        og.update({"og:type": "article"})
        article_og = []
        if published:
            article_og.append(("article:published_time", iso_datetime(published)))
        if modified:
            article_og.append(("article:modified_time", iso_datetime(modified)))
        if sections:
            article_og.append(("article:section", sections[0].title))
        article_og += [("article:author", site.root_url + a.get_absolute_url()) for a in authors]
        article_og += [("article:tag", tag.name) for tag in tags]
        news_article = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": page.title,
            "description": meta.description,
            "url": meta.canonical,
            "mainEntityOfPage": {"@type": "WebPage", "@id": meta.canonical},
            "datePublished": iso_datetime(published) if published else None,
            "dateModified": iso_datetime(modified) if modified else None,
            "author": [
                {"@type": "Person", "name": a.name, "url": site.root_url + a.get_absolute_url()}
                for a in authors
            ],
            "publisher": _publisher(site=site, name=site_name, config=config, standards=standards),
            "articleSection": [section.title for section in sections],
            "keywords": [tag.name for tag in tags],
            "inLanguage": selectors.news_language(config=config),
            "isAccessibleForFree": True,
        }
        if image_urls:
            news_article["image"] = image_urls
        notes = _note_comments(page=page, url=meta.canonical)
        if notes:
            news_article["correction"] = notes
        json_ld.append({k: v for k, v in news_article.items() if v not in (None, [], "")})
        trail = [(site_name, home_url)]
        if sections:
            trail.append((sections[0].title, sections[0].get_full_url(request=request)))
        trail.append((page.title, meta.canonical))
        json_ld.append(_breadcrumbs(trail))
    elif isinstance(page, HomePage) and context.get("author") is not None:
        author = context["author"]
        title = author.name
        url = site.root_url + author.get_absolute_url()
        meta.canonical = _listing_canonical(url, context.get("articles"))
        meta.description = author.bio or f"Stories by {author.name} in {site_name}."
        og["og:type"] = "profile"
        meta.feeds += _feed_links(label=author.name, scope="authors", slug=author.slug)
        person: dict[str, Any] = {"@type": "Person", "name": author.name, "url": url}
        if author.bio:
            person["description"] = author.bio
        if author.photo is not None:
            photo = author.photo.get_rendition("fill-400x400")
            person["image"] = _absolute(site, photo.url)
            image = (person["image"], photo.width, photo.height, author.name)
        json_ld.append(
            {
                "@context": "https://schema.org",
                "@type": "ProfilePage",
                "url": url,
                "mainEntity": person,
            }
        )
        json_ld.append(_breadcrumbs([(site_name, home_url), (author.name, url)]))
    elif isinstance(page, HomePage) and context.get("tag") is not None:
        tag = context["tag"]
        title = f"Stories tagged {tag.name}"
        url = site.root_url + tag_path(tag.slug)
        articles = context.get("articles")
        meta.canonical = _listing_canonical(url, articles)
        meta.description = f"Stories tagged {tag.name} in {site_name}."
        meta.feeds += _feed_links(label=tag.name, scope="tags", slug=tag.slug)
        paginator = getattr(articles, "paginator", None)
        count = (
            paginator.count
            if paginator is not None
            else selectors.tag_article_count(tag=tag, site=site)
        )
        if count < config.thin_tag_minimum:
            # A tag page with a story or two adds nothing a search engine should index.
            meta.robots = "noindex, follow"
        json_ld.append(_breadcrumbs([(site_name, home_url), (tag.name, url)]))
    elif isinstance(page, HomePage):
        title = site_name
        meta.canonical = home_url
        meta.description = page.search_description or page.intro or core.tagline or site_name
        search_url = site.root_url + reverse("search")
        json_ld.append(
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": site_name,
                "url": home_url,
                "publisher": _publisher(
                    site=site, name=site_name, config=config, standards=standards
                ),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": f"{search_url}?q={{search_term_string}}",
                    },
                    "query-input": "required name=search_term_string",
                },
            }
        )
    elif isinstance(page, Page):
        title = page.seo_title or page.title
        url = page.get_full_url(request=request)
        meta.canonical = _listing_canonical(url, context.get("articles"))
        intro = getattr(page, "intro", "") or ""
        meta.description = page.search_description or intro or f"{page.title} in {site_name}."
        if isinstance(page, SectionPage):
            meta.feeds += _feed_links(label=page.title, scope="sections", slug=page.slug)
        json_ld.append(_breadcrumbs([(site_name, home_url), (page.title, url)]))

    if title:
        og["og:title"] = title
        twitter["twitter:title"] = title
    if meta.description:
        og["og:description"] = meta.description
        twitter["twitter:description"] = meta.description
    if meta.canonical:
        og["og:url"] = meta.canonical
    meta.og = list(og.items())
    if image is not None:
        url, width, height, alt = image
        meta.og += [
            ("og:image", url),
            ("og:image:width", str(width)),
            ("og:image:height", str(height)),
        ]
        if alt:
            meta.og.append(("og:image:alt", alt))
            twitter["twitter:image:alt"] = alt
        twitter["twitter:image"] = url
        if isinstance(page, ArticlePage):
            twitter["twitter:card"] = "summary_large_image"
    if isinstance(page, ArticlePage):
        meta.og += article_og
    meta.twitter = list(twitter.items())
    meta.json_ld = [json_for_script(data) for data in json_ld]
    return meta
