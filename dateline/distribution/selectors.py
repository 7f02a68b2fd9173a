"""Reads for feeds, sitemaps and page metadata: always live, public articles of one site.

Sitemap reads return plain rows from `values_list(...).iterator()`, never model instances, so a
million-article archive streams through in bounded memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, Site

from dateline.core import routing
from dateline.corrections import selectors as corrections
from dateline.distribution.models import DistributionSettings
from dateline.newsroom import selectors as newsroom
from dateline.newsroom.models import ArticlePage, ArticlePageTag, Author, SectionPage

# Rows fetched from the database per round trip while streaming a sitemap.
STREAM_CHUNK = 2000


def request_site(*, request: HttpRequest) -> Site | None:
    """Return the Wagtail site serving `request`, or None (`core.routing.request_site`, memoised)."""
    return routing.request_site(request)


def distribution_settings_for(*, site: Site | None) -> DistributionSettings:
    """Return the site's distribution settings, or unsaved defaults when there is no site."""
    if site is None:
        return DistributionSettings()
    return DistributionSettings.for_site(site)


def news_language(*, config: DistributionSettings) -> str:
    """Return the ISO 639 language of the stories: the setting, else derived from LANGUAGE_CODE."""
    if config.news_language:
        return config.news_language
    code = settings.LANGUAGE_CODE.lower()
    # Google News accepts a region only for Chinese (zh-cn, zh-tw); other languages are bare codes.
    return code if code.startswith("zh-") else code.split("-")[0]


def root_page(*, site: Site) -> Page:
    """Return the site's root page (the home page)."""
    return site.root_page


def url_from_path(*, site: Site, url_path: str) -> str:
    """Return the absolute URL of a page of `site` from its stored `url_path`, without loading it.

    Matches `Page.get_full_url()` for pages under the site's root, the only ones we list.
    """
    root_path = site.root_page.url_path
    return site.root_url + "/" + url_path[len(root_path) :]


def site_articles(*, site: Site) -> QuerySet[ArticlePage]:
    """Return the live, public articles of `site`, newest first, with their listing relations."""
    return newsroom.live_articles().filter(path__startswith=site.root_page.path)


def section_by_slug(*, site: Site, slug: str) -> SectionPage | None:
    """Return the live, public section `slug` of `site`, or None."""
    return (
        SectionPage.objects.live()
        .public()
        .filter(path__startswith=site.root_page.path, slug=slug)
        .first()
    )


def author_by_slug(*, slug: str) -> Author | None:
    """Return the author `slug`, or None."""
    return newsroom.author_by_slug(slug=slug)


def tag_by_slug(*, slug: str) -> Tag | None:
    """Return the tag `slug`, or None."""
    return newsroom.tag_by_slug(slug=slug)


def feed_articles(*, articles: QuerySet[ArticlePage], limit: int) -> list[ArticlePage]:
    """Return the newest `limit` of `articles` with the tags a feed item lists as categories."""
    tagged = Prefetch("tagged_items", queryset=ArticlePageTag.objects.select_related("tag"))
    return list(articles.prefetch_related(tagged)[:limit])


def sections_by_path(*, site: Site) -> dict[str, SectionPage]:
    """Return the site's live sections keyed by tree path, to name each article's primary section.

    Read from the newsroom's memo of every section (`newsroom.selectors.sections_by_path`).
    """
    root = site.root_page.path
    return {
        path: section
        for path, section in newsroom.sections_by_path().items()
        if section.live and path.startswith(root)
    }


def _lastmod() -> Coalesce:
    # An editor's "last updated" wins; otherwise the latest publication. A later note (a
    # correction) bumps it: `_later`, read from the few noted stories, not joined to every row.
    return Coalesce(F("updated_at"), F("last_published_at"), F("published_at"))


def _later(first: dt.datetime | None, second: dt.datetime | None) -> dt.datetime | None:
    return max(first, second) if first and second else first or second


def _sitemap_articles(*, site: Site) -> QuerySet[ArticlePage]:
    # Plain queryset without the listing's prefetches: sitemaps read a few columns only.
    return ArticlePage.objects.live().public().filter(path__startswith=site.root_page.path)


def sitemap_buckets(*, site: Site, size: int) -> list[tuple[int, dt.datetime | None]]:
    """Return the non-empty article sitemap numbers of `site` with each one's latest change.

    Article sitemap `n` holds the articles whose id is in `[n * size, (n + 1) * size)`, so it never
    holds more than `size` URLs and an article stays in the same sitemap for ever (stable URLs for
    caches). One grouped query, whatever the archive size.
    """
    articles = _sitemap_articles(site=site)
    rows = (
        articles.annotate(bucket=F("pk") / size)
        .values("bucket")
        .annotate(count=Count("pk"), lastmod=Max(_lastmod()))
        .order_by("bucket")
        .values_list("bucket", "lastmod")
    )
    buckets = {int(bucket): lastmod for bucket, lastmod in rows}
    for pk, noted in corrections.latest_note_times(articles=articles).items():
        if pk // size in buckets:
            buckets[pk // size] = _later(buckets[pk // size], noted)
    return sorted(buckets.items())


# Pages have 32-bit automatic ids (Wagtail's `Page.id` is an AutoField).
MAX_PAGE_ID = 2**31 - 1


def sitemap_article_rows(
    *, site: Site, bucket: int, size: int
) -> Iterator[tuple[str, dt.datetime | None]]:
    """Yield `(url_path, lastmod)` for the articles of sitemap `bucket`, by id, streamed in chunks.

    A bucket past the largest id a page can have yields nothing (a reader's
    `/sitemaps/articles-99999999999999999999.xml` is a 404, not a database overflow).
    """
    start = bucket * size
    if start > MAX_PAGE_ID:
        return iter(())
    articles = _sitemap_articles(site=site).filter(pk__gte=start, pk__lt=start + size)
    noted = corrections.latest_note_times(articles=articles)
    rows = (
        articles.annotate(lastmod=_lastmod())
        .order_by("pk")
        .values_list("pk", "url_path", "lastmod")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    return ((url_path, _later(lastmod, noted.get(pk))) for pk, url_path, lastmod in rows)


def sitemap_page_paths(*, site: Site) -> Iterator[str]:
    """Yield the url_path of every live, public page of `site` that is not an article."""
    return (
        Page.objects.live()
        .public()
        .filter(path__startswith=site.root_page.path)
        .exclude(pk__in=ArticlePage.objects.values("pk"))
        .order_by("path")
        .values_list("url_path", flat=True)
        .iterator(chunk_size=STREAM_CHUNK)
    )


def sitemap_author_slugs(*, site: Site) -> Iterator[str]:
    """Yield the slug of every author with at least one live, public article on `site`."""
    credited = _sitemap_articles(site=site).values("pk")
    return (
        Author.objects.filter(article_links__page__in=credited)
        .values_list("slug", flat=True)
        .distinct()
        .order_by("slug")
        .iterator(chunk_size=STREAM_CHUNK)
    )


def sitemap_tag_slugs(*, site: Site, minimum: int) -> Iterator[str]:
    """Yield the slug of every tag carried by at least `minimum` live, public articles of `site`.

    Thinner tag pages are marked noindex, so they are left out of the sitemap too.
    """
    return (
        ArticlePageTag.objects.filter(content_object__in=_sitemap_articles(site=site).values("pk"))
        .values("tag__slug")
        .annotate(count=Count("id"))
        .filter(count__gte=max(minimum, 1))
        .order_by("tag__slug")
        .values_list("tag__slug", flat=True)
        .iterator(chunk_size=STREAM_CHUNK)
    )


def news_sitemap_rows(*, site: Site, hours: int, limit: int) -> list[tuple[str, dt.datetime, str]]:
    """Return `(url_path, published_at, title)` of the articles published in the last `hours`.

    Newest first, at most `limit` (Google News reads at most 1,000 and only two days back);
    a story dated in the future is left out until its time comes.
    """
    now = timezone.now()
    return list(
        _sitemap_articles(site=site)
        .filter(published_at__gte=now - dt.timedelta(hours=hours), published_at__lte=now)
        .order_by("-published_at", "-pk")
        .values_list("url_path", "published_at", "title")[:limit]
    )


def tag_article_count(*, tag: Tag, site: Site) -> int:
    """Return how many live, public articles of `site` carry `tag`."""
    return _sitemap_articles(site=site).filter(tagged_items__tag=tag).count()


def article_context(*, article: ArticlePage) -> tuple[list[SectionPage], list[Author], list[Tag]]:
    """Return an article's sections (primary first), authors in byline order, and tags."""
    return (
        newsroom.article_sections(article=article),
        newsroom.article_authors(article=article),
        newsroom.article_tags(article=article),
    )
