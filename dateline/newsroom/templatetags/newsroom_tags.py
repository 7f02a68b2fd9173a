"""Template tags for newsroom listings: the section navigation and article cards."""

from __future__ import annotations

from django import template

from dateline.core.cachetags import author_tag, cache_tags_add, page_tag
from dateline.core.fragments import memo_fragment
from dateline.core.routing import request_site
from dateline.newsroom import selectors
from dateline.newsroom.models import ArticlePage, tag_path

register = template.Library()


@register.simple_tag(takes_context=True)
def section_nav(context: template.Context) -> str:
    """Render the site's section navigation, marking the section being read.

    The HTML is the same for every page of a site within one section, so it is rendered once per
    site and current section until the content changes (`core.fragments`).
    """
    request = context.get("request")
    current = context.get("page")
    current_path = getattr(current, "path", "") or ""
    sections = selectors.menu_sections()
    cache_tags_add(request, (page_tag(section.pk) for section in sections))
    marked = tuple(section.pk for section in sections if starts_with(current_path, section.path))
    site = request_site(request) if request is not None else None
    return memo_fragment(
        ("section-nav", getattr(site, "pk", None), marked),
        "components/section_nav.html",
        lambda: {"sections": sections, "current_path": current_path, "request": request},
    )


@register.inclusion_tag("components/article_card.html", takes_context=True)
def article_card(
    context: template.Context,
    article: ArticlePage,
    heading_level: int = 3,
    image_set: str = "card",
    eager: bool = False,
) -> dict:
    """Render one article in a listing: picture, headline link, date, standfirst and byline.

    The picture is lazy-loaded unless `eager` (the first card a reader sees, which is then fetched
    first: `fetchpriority="high"`); `image_set` names its crops and widths (`core.images`).
    """
    authors = [link.author for link in article.article_authors.all()]
    cache_tags_add(
        context.get("request"), page_tag(article.pk), (author_tag(a.pk) for a in authors)
    )
    return {
        "article": article,
        "heading_level": heading_level,
        "image_set": image_set,
        "eager": eager,
        "authors": authors,
        "request": context.get("request"),
    }


@register.filter
def starts_with(value: str, prefix: str) -> bool:
    """Return whether `value` starts with `prefix` (marks the current section in the menu)."""
    return bool(prefix) and str(value).startswith(str(prefix))


@register.simple_tag
def tag_url(tag) -> str:
    """Return the URL of `tag`'s page."""
    return tag_path(tag.slug)


@register.filter
def initials(name: str) -> str:
    """Return up to two initials of a name ("Mei Lin" gives "ML"), for authors without a photo."""
    words = [word for word in str(name).replace("-", " ").split() if word]
    if not words:
        return ""
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
