"""Template tags for newsroom listings: the section navigation and article cards."""

from __future__ import annotations

from django import template

from dateline.newsroom import selectors
from dateline.newsroom.models import ArticlePage, tag_path

register = template.Library()


@register.inclusion_tag("components/section_nav.html", takes_context=True)
def section_nav(context: template.Context) -> dict:
    """Render the site's section navigation, marking the section being read."""
    current = context.get("page")
    current_path = getattr(current, "path", "") or ""
    return {
        "sections": selectors.menu_sections(),
        "current_path": current_path,
        "request": context.get("request"),
    }


@register.inclusion_tag("components/article_card.html", takes_context=True)
def article_card(context: template.Context, article: ArticlePage, heading_level: int = 3) -> dict:
    """Render one article in a listing: headline link, date, standfirst and byline."""
    return {
        "article": article,
        "heading_level": heading_level,
        "authors": [link.author for link in article.article_authors.all()],
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
