"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the whole site and for each section, author and tag.

One `ArticleFeed` finds the scope and builds the entries; the RSS and Atom classes only choose the
generator, and the JSON Feed view serialises the same entries, so the three formats never differ.
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site

from dateline.core.cachetags import FEEDS, cache_tags_add
from dateline.core.plaintext import text_carried
from dateline.core.selectors import site_settings_for
from dateline.corrections import selectors as corrections
from dateline.distribution import selectors
from dateline.distribution.content import article_description, article_full_html, iso_datetime
from dateline.distribution.models import DistributionSettings
from dateline.newsroom.models import ArticlePage, tag_path
from dateline.newsroom.selectors import section_articles

FORMATS = {
    "rss": ("rss.xml", "application/rss+xml", "RSS"),
    "atom": ("atom.xml", "application/atom+xml", "Atom"),
    "json": ("feed.json", "application/feed+json", "JSON Feed"),
}
SCOPES = ("sections", "authors", "tags")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def feed_path(*, fmt: str, scope: str | None = None, slug: str | None = None) -> str:
    """Return the path of a feed: the site's (`scope` None) or a section's, author's or tag's."""
    if scope is None:
        return reverse(f"distribution:feed-{fmt}")
    return reverse(f"distribution:scoped-feed-{fmt}", kwargs={"scope": scope, "slug": slug})


def article_guid(*, article: ArticlePage, site: Site) -> str:
    """Return the article's permanent feed id: a tag: URI (RFC 4151) on the page id.

    It does not change when the headline, slug or section changes, so readers never see a story twice.
    """
    return f"tag:{site.hostname},{settings.DATELINE_FEED_ID_DATE}:article:{article.pk}"


@dataclass
class FeedAuthor:
    name: str
    url: str


@dataclass
class FeedEntry:
    """One article as every feed format shows it."""

    guid: str
    url: str
    title: str
    summary: str
    content_html: str | None
    published: dt.datetime
    updated: dt.datetime
    authors: list[FeedAuthor]
    categories: list[str]
    image_url: str | None = None
    image_size: int | None = None
    image_type: str | None = None
    image_width: int | None = None
    image_height: int | None = None


@dataclass
class FeedScope:
    """What a feed covers: its title, page, description and the articles in it."""

    site: Site
    config: DistributionSettings
    site_name: str
    title: str
    link: str
    description: str
    paths: dict[str, str]
    entries: list[FeedEntry] = field(default_factory=list)


def notes_html(*, notes: Sequence[corrections.Correction]) -> str:
    """Return the notes on a story as HTML for the end of its feed entry's full text."""
    return format_html_join(
        "",
        '<aside id="{}"><p><strong>{}</strong> ({})</p>{}</aside>',
        (
            (
                note.anchor,
                note.get_kind_display(),
                iso_datetime(note.made_at),
                mark_safe(linebreaks(note.text, autoescape=True)),  # noqa: S308 - escaped here
            )
            for note in notes
        ),
    )


def _entry(
    *,
    article: ArticlePage,
    site: Site,
    sections: dict,
    full_text: bool,
    notes: Sequence[corrections.Correction] = (),
) -> FeedEntry:
    base = site.root_url
    authors = [
        FeedAuthor(name=text_carried(link.author.name), url=base + link.author.get_absolute_url())
        for link in article.article_authors.all()
    ]
    categories = []
    primary = sections.get(article.path[: -Page.steplen])
    if primary is not None:
        categories.append(text_carried(primary.title))
    categories.extend(text_carried(item.tag.name) for item in article.tagged_items.all())
    published = article.published_at or article.first_published_at or article.last_published_at
    updated = article.display_updated_at or published
    # A note (a correction) updates the entry: its time and, in full-text feeds, its words.
    updated = max([updated, *(note.made_at for note in notes)])
    content_html = None
    if full_text:
        content_html = article_full_html(article=article, base_url=base + "/")
        if notes:
            content_html += notes_html(notes=notes)
    entry = FeedEntry(
        guid=article_guid(article=article, site=site),
        url=article.get_full_url(),
        title=text_carried(article.title),
        summary=text_carried(article_description(article=article)),
        content_html=content_html,
        published=published,
        updated=max(updated, published),
        authors=authors,
        categories=categories,
    )
    image = article.lead_image
    if image is not None and image.file:
        entry.image_url = (
            base + image.file.url if image.file.url.startswith("/") else image.file.url
        )
        try:
            # Wagtail stores the size at upload; older images get it measured (and stored) once.
            entry.image_size = image.get_file_size()
        except OSError:
            entry.image_size = None
        entry.image_type = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
        entry.image_width, entry.image_height = image.width, image.height
    return entry


def feed_scope(*, request: HttpRequest, scope: str | None, slug: str | None) -> FeedScope:
    """Return the feed scope named in the URL with its entries; raise Http404 when there is none."""
    site = selectors.request_site(request=request)
    if site is None:
        raise Http404("No site")
    # Feeds are cached like pages and purged whenever a story is published, changed or withdrawn.
    cache_tags_add(request, FEEDS)
    config = selectors.distribution_settings_for(site=site)
    core = site_settings_for(site=site)
    site_name, tagline = core.site_name, core.tagline
    articles = selectors.site_articles(site=site)
    base = site.root_url
    if scope is None:
        title, link, description = site_name, base + "/", tagline or f"The latest from {site_name}"
    elif slug is None or "\x00" in slug:
        # Every scope names its section, author or tag; no slug holds a NUL (which PostgreSQL
        # refuses in a query: a reader's `%00` would be a server error).
        raise Http404("No such feed")
    elif scope == "sections":
        section = selectors.section_by_slug(site=site, slug=slug)
        if section is None:
            raise Http404("No such section")
        articles = section_articles(section=section)
        title, link = f"{site_name}: {section.title}", section.get_full_url()
        description = section.intro or f"The latest {section.title} from {site_name}"
    elif scope == "authors":
        author = selectors.author_by_slug(slug=slug)
        if author is None:
            raise Http404("No such author")
        articles = articles.filter(article_authors__author=author)
        title, link = f"{site_name}: {author.name}", base + author.get_absolute_url()
        description = author.bio or f"Stories by {author.name} in {site_name}"
    elif scope == "tags":
        tag = selectors.tag_by_slug(slug=slug)
        if tag is None:
            raise Http404("No such tag")
        articles = articles.filter(tagged_items__tag=tag)
        title, link = f"{site_name}: {tag.name}", base + tag_path(tag.slug)
        description = f"Stories tagged {tag.name} in {site_name}"
    else:
        raise Http404("No such feed")
    paths = {fmt: base + feed_path(fmt=fmt, scope=scope, slug=slug) for fmt in FORMATS}
    sections = selectors.sections_by_path(site=site)
    listed = selectors.feed_articles(articles=articles, limit=config.feed_length)
    notes = corrections.notes_by_article(articles=listed)
    entries = [
        _entry(
            article=article,
            site=site,
            sections=sections,
            full_text=config.feed_full_text,
            notes=notes.get(article.pk, []),
        )
        for article in listed
    ]
    return FeedScope(
        site,
        config,
        text_carried(site_name),
        text_carried(title),
        link,
        text_carried(description),
        paths,
        entries,
    )


class _MediaRss(Rss201rev2Feed):
    """RSS 2.0 with the full text (content:encoded), every author and the lead image as Media RSS."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
            "xmlns:media": "http://search.yahoo.com/mrss/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        entry: FeedEntry = item["entry"]
        for author in entry.authors:
            handler.addQuickElement("dc:creator", author.name)
        if entry.content_html:
            handler.addQuickElement("content:encoded", entry.content_html)
        if entry.image_url:
            handler.addQuickElement(
                "media:content",
                None,
                {
                    "url": entry.image_url,
                    "type": entry.image_type,
                    "medium": "image",
                    "width": str(entry.image_width),
                    "height": str(entry.image_height),
                },
            )


class _AtomWithContent(Atom1Feed):
    """Atom 1.0 with the full text as `content` and one `author` per byline name."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        entry: FeedEntry = item["entry"]
        for author in entry.authors:
            handler.startElement("author", {})
            handler.addQuickElement("name", author.name)
            handler.addQuickElement("uri", author.url)
            handler.endElement("author")
        if entry.content_html:
            handler.addQuickElement("content", entry.content_html, {"type": "html"})


class ArticleFeed(Feed):
    """The RSS 2.0 feed of a scope; the other formats subclass it."""

    feed_type: type[SyndicationFeed] = _MediaRss
    fmt = "rss"

    def get_object(self, request, scope=None, slug=None):
        return feed_scope(request=request, scope=scope, slug=slug)

    def title(self, obj: FeedScope) -> str:
        return obj.title

    def link(self, obj: FeedScope) -> str:
        return obj.link

    def description(self, obj: FeedScope) -> str:
        return obj.description

    def subtitle(self, obj: FeedScope) -> str:
        return obj.description

    def feed_url(self, obj: FeedScope) -> str:
        return obj.paths[self.fmt]

    def author_name(self, obj: FeedScope) -> str:
        # Atom needs an author for entries without one; the publication is the fallback.
        return obj.site_name

    def get_feed(self, obj: FeedScope, request: HttpRequest):
        feed = super().get_feed(obj, request)
        # The stories' language is a site setting, not the language of the request.
        feed.feed["language"] = selectors.news_language(config=obj.config)
        return feed

    def items(self, obj: FeedScope) -> list[FeedEntry]:
        return obj.entries

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_description(self, item: FeedEntry) -> str:
        # RSS descriptions and Atom summaries (Django marks them type="html") are read as HTML:
        # the plain-text summary is escaped, so "<b>" in a standfirst is shown, not obeyed.
        return escape(item.summary)

    def item_link(self, item: FeedEntry) -> str:
        return item.url

    def item_guid(self, item: FeedEntry) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedEntry) -> dt.datetime:
        return item.published

    def item_updateddate(self, item: FeedEntry) -> dt.datetime:
        return item.updated

    def item_categories(self, item: FeedEntry) -> list[str]:
        return item.categories

    def item_enclosures(self, item: FeedEntry) -> list[Enclosure]:
        if not item.image_url:
            return []
        mime_type = item.image_type or "image/jpeg"  # as `_entry` guesses it for every image
        return [Enclosure(item.image_url, str(item.image_size or 0), mime_type)]

    def item_extra_kwargs(self, item: FeedEntry) -> dict:
        return {"entry": item}


class RssFeed(ArticleFeed):
    """RSS 2.0 (with content:encoded and Media RSS)."""


class AtomFeed(ArticleFeed):
    """Atom 1.0 (with content and every author)."""

    feed_type = _AtomWithContent
    fmt = "atom"


def json_feed(*, scope: FeedScope) -> dict:
    """Return the scope as a JSON Feed 1.1 document."""
    items = []
    for entry in scope.entries:
        item = {
            "id": entry.guid,
            "url": entry.url,
            "title": entry.title,
            "summary": entry.summary,
            "date_published": iso_datetime(entry.published),
            "date_modified": iso_datetime(entry.updated),
            "authors": [{"name": a.name, "url": a.url} for a in entry.authors],
            "tags": entry.categories,
        }
        if entry.content_html:
            item["content_html"] = entry.content_html
        else:
            item["content_text"] = entry.summary
        if entry.image_url:
            item["image"] = entry.image_url
            attachment: dict[str, str | int | None] = {
                "url": entry.image_url,
                "mime_type": entry.image_type,
            }
            if entry.image_size:
                attachment["size_in_bytes"] = entry.image_size
            item["attachments"] = [attachment]
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": scope.title,
        "home_page_url": scope.link,
        "feed_url": scope.paths["json"],
        "description": scope.description,
        "language": selectors.news_language(config=scope.config),
        "authors": [{"name": scope.site_name, "url": scope.site.root_url + "/"}],
        "items": items,
    }


@require_safe
def json_feed_view(
    request: HttpRequest, scope: str | None = None, slug: str | None = None
) -> HttpResponse:
    """Serve a JSON Feed 1.1 document for the site or a section, author or tag."""
    document = json_feed(scope=feed_scope(request=request, scope=scope, slug=slug))
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/feed+json; charset=utf-8",
    )
