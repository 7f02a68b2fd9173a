"""What each newsroom page shows besides its own fields, read through the selectors.

Registered for the page types by `NewsroomConfig.ready()` (`core.pages.page_context_register`), so
the models never import the selectors that read them. Each builder also records the cache tags of
what it reads (docs/caching.md).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from dateline.core import cachetags
from dateline.core.pages import page_context_register
from dateline.newsroom import selectors
from dateline.newsroom.models import HOME_ROUTE, ArticlePage, HomePage, SectionPage


def home_context(*, page: HomePage, request: HttpRequest) -> dict[str, Any]:
    """Return the front page's lists, or an author's or tag's page when a home route is served."""
    route = getattr(request, HOME_ROUTE, None)
    if route is not None:
        name, slug = route
        return (
            author_context(slug=slug, request=request)
            if name == "author"
            else tag_context(slug=slug, request=request)
        )
    # Each story once: the latest leave out the top stories, the section fronts leave out both.
    top = selectors.top_stories(home=page)
    latest = selectors.latest_articles(limit=9, exclude=[article.pk for article in top])
    shown = [article.pk for article in (*top, *latest)]
    return {
        "top_stories": top,
        "latest": latest,
        "section_fronts": selectors.section_fronts(home=page, per_section=3, exclude=shown),
    }


def author_context(*, slug: str, request: HttpRequest) -> dict[str, Any]:
    """Return an author's page: the author and one page of their articles; 404 when unknown."""
    author = selectors.author_by_slug(slug=slug)
    if author is None:
        raise Http404("No such author")
    cachetags.cache_tags_add(
        request, cachetags.author_tag(author.pk), cachetags.author_articles_tag(author.pk)
    )
    articles = selectors.paginated(
        selectors.author_articles(author=author), page=request.GET.get("page")
    )
    return {"author": author, "articles": articles}


def tag_context(*, slug: str, request: HttpRequest) -> dict[str, Any]:
    """Return a tag's page: the tag and one page of the articles carrying it; 404 when unknown."""
    tag = selectors.tag_by_slug(slug=slug)
    if tag is None:
        raise Http404("No such tag")
    cachetags.cache_tags_add(request, cachetags.tag_tag(tag.pk), cachetags.tag_articles_tag(tag.pk))
    articles = selectors.paginated(selectors.tag_articles(tag=tag), page=request.GET.get("page"))
    return {"tag": tag, "articles": articles}


def section_context(*, page: SectionPage, request: HttpRequest) -> dict[str, Any]:
    """Return one page of the section's listing, newest first."""
    articles = selectors.paginated(
        selectors.section_articles(section=page), page=request.GET.get("page")
    )
    cachetags.cache_tags_add(request, cachetags.section_articles_tag(page.pk))
    return {"articles": articles}


def article_context(*, page: ArticlePage, request: HttpRequest) -> dict[str, Any]:
    """Return the article's sections (primary first), authors in byline order and tags."""
    sections = selectors.article_sections(article=page)
    authors = selectors.article_authors(article=page)
    tags = selectors.article_tags(article=page)
    cachetags.cache_tags_add(
        request,
        (cachetags.page_tag(section.pk) for section in sections),
        (cachetags.author_tag(author.pk) for author in authors),
        (cachetags.tag_tag(tag.pk) for tag in tags),
    )
    return {"sections": sections, "authors": authors, "tags": tags}


def contexts_register() -> None:
    """Register the builders above for the newsroom's page types (from `NewsroomConfig.ready()`)."""
    page_context_register(HomePage, home_context)
    page_context_register(SectionPage, section_context)
    page_context_register(ArticlePage, article_context)
