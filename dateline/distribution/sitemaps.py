"""Sitemap index, paginated article sitemaps, a pages sitemap, the Google News sitemap and robots.txt.

Sitemaps are written as a stream of strings from database rows (`values_list(...).iterator()`), not
from a list of Django `Sitemap` items, so the largest archive is served in bounded memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import chain
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.models import Site

from dateline.core.plaintext import text_carried
from dateline.core.selectors import site_settings_for
from dateline.distribution import selectors
from dateline.distribution.content import iso_datetime
from dateline.newsroom.models import Author, tag_path

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"
# The sitemap protocol allows at most 50,000 URLs (and 50 MB) per file.
MAX_URLS = 50_000


def w3c_datetime(value: dt.datetime) -> str:
    """Return `value` in the W3C datetime form sitemaps use, in UTC with an explicit offset."""
    return iso_datetime(value)


def _site(request: HttpRequest) -> Site:
    site = selectors.request_site(request=request)
    if site is None:
        raise Http404("No site")
    return site


def _url_element(loc: str, lastmod: dt.datetime | None = None, extra: str = "") -> str:
    parts = [f"<url><loc>{escape(loc)}</loc>"]
    if lastmod is not None:
        parts.append(f"<lastmod>{w3c_datetime(lastmod)}</lastmod>")
    parts.append(extra)
    parts.append("</url>\n")
    return "".join(parts)


def _urlset(urls: Iterable[str], *, namespaces: str = "") -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<urlset xmlns="{SITEMAP_NS}"{namespaces}>\n'
    yield from urls
    yield "</urlset>\n"


def _stream(chunks: Iterable[str]) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type=XML_CONTENT_TYPE
    )


def page_size() -> int:
    """Return the number of ids an article sitemap spans (at most 50,000 URLs)."""
    return min(settings.DATELINE_SITEMAP_SIZE, MAX_URLS)


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Serve the sitemap index: the pages sitemap, every non-empty article sitemap, Google News."""
    site = _site(request)
    base = site.root_url
    lines = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']

    def entry(path: str, lastmod: dt.datetime | None = None) -> str:
        modified = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        return f"<sitemap><loc>{escape(base + path)}</loc>{modified}</sitemap>\n"

    lines.append(entry(reverse("distribution:sitemap-pages")))
    for bucket, lastmod in selectors.sitemap_buckets(site=site, size=page_size()):
        lines.append(
            entry(reverse("distribution:sitemap-articles", kwargs={"number": bucket}), lastmod)
        )
    lines.append(entry(reverse("distribution:sitemap-news")))
    lines.append("</sitemapindex>\n")
    return HttpResponse("".join(lines), content_type=XML_CONTENT_TYPE)


@require_safe
def article_sitemap(request: HttpRequest, number: int) -> StreamingHttpResponse:
    """Stream article sitemap `number`: up to 50,000 articles with their last change."""
    site = _site(request)
    rows = selectors.sitemap_article_rows(site=site, bucket=number, size=page_size())
    first = next(rows, None)
    if first is None:
        raise Http404("No such sitemap")
    urls = (
        _url_element(selectors.url_from_path(site=site, url_path=url_path), lastmod)
        for url_path, lastmod in chain([first], rows)
    )
    return _stream(_urlset(urls))


@require_safe
def pages_sitemap(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the sitemap of everything but articles: home, sections, other pages, authors, tags."""
    site = _site(request)
    base = site.root_url
    config = selectors.distribution_settings_for(site=site)
    locations = chain(
        (
            selectors.url_from_path(site=site, url_path=p)
            for p in selectors.sitemap_page_paths(site=site)
        ),
        (
            base + Author(slug=slug).get_absolute_url()
            for slug in selectors.sitemap_author_slugs(site=site)
        ),
        (
            base + tag_path(slug)
            for slug in selectors.sitemap_tag_slugs(site=site, minimum=config.thin_tag_minimum)
        ),
    )
    urls = (_url_element(loc) for _, loc in zip(range(MAX_URLS), locations, strict=False))
    return _stream(_urlset(urls))


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Serve the Google News sitemap: articles of the last 48 hours, at most 1,000."""
    site = _site(request)
    config = selectors.distribution_settings_for(site=site)
    name = config.publication_name or site_settings_for(site=site).site_name
    language = selectors.news_language(config=config)
    publication = (
        f"<news:publication><news:name>{escape(text_carried(name))}</news:name>"
        f"<news:language>{escape(language)}</news:language></news:publication>"
    )
    rows = selectors.news_sitemap_rows(
        site=site,
        hours=settings.DATELINE_NEWS_SITEMAP_HOURS,
        limit=min(settings.DATELINE_NEWS_SITEMAP_LIMIT, 1000),
    )
    urls = (
        _url_element(
            selectors.url_from_path(site=site, url_path=url_path),
            extra=(
                f"<news:news>{publication}"
                f"<news:publication_date>{w3c_datetime(published)}</news:publication_date>"
                f"<news:title>{escape(text_carried(title))}</news:title></news:news>"
            ),
        )
        for url_path, published, title in rows
    )
    body = "".join(_urlset(urls, namespaces=f' xmlns:news="{NEWS_NS}"'))
    return HttpResponse(body, content_type=XML_CONTENT_TYPE)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Serve robots.txt: keep crawlers out of the admin and name the sitemaps."""
    site = selectors.request_site(request=request)
    lines = ["User-agent: *", "Disallow: /admin/", ""]
    if site is not None:
        lines.append(f"Sitemap: {site.root_url}{reverse('distribution:sitemap-index')}")
        lines.append(f"Sitemap: {site.root_url}{reverse('distribution:sitemap-news')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
