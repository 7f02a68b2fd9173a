"""`{% page_meta %}`: the description, canonical URL, social cards, feed links and JSON-LD of a page."""

from __future__ import annotations

from django import template

from dateline.core.features import feature_enabled
from dateline.distribution.content import article_description
from dateline.distribution.metadata import PageMeta, page_meta_for
from dateline.newsroom.models import ArticlePage

register = template.Library()


@register.inclusion_tag("distribution/page_meta.html", takes_context=True)
def page_meta(context: template.Context) -> dict:
    """Render the page's metadata into <head>; only the description when the feature is off."""
    request = context.get("request")
    if not feature_enabled("distribution"):
        page = context.get("page")
        if isinstance(page, ArticlePage):
            description = article_description(article=page)
        else:
            description = getattr(page, "search_description", "") or ""
        return {"meta": PageMeta(description=description)}
    return {"meta": page_meta_for(request=request, context=context.flatten())}
