"""`{% related_news page %}`: the Related News block on article pages."""

from __future__ import annotations

from django import template
from django.conf import settings

from dateline.core.cachetags import cache_tags_add, page_tag, related_list_tag
from dateline.core.features import feature_enabled
from dateline.newsroom.models import ArticlePage
from dateline.related.preview import related_preview
from dateline.related.selectors import related_articles

register = template.Library()


@register.inclusion_tag("related/related_news.html", takes_context=True)
def related_news(context: template.Context, article: ArticlePage) -> dict[str, object]:
    """Render the Related News block for `article`; nothing when the feature is switched off."""
    enabled = feature_enabled("related")
    request = context.get("request")
    limit = settings.DATELINE_RELATED_LIMIT
    if not enabled:
        items = []
    elif getattr(request, "is_preview", False):
        # The editor's preview: the list the story would have, from its previewed text.
        items = related_preview(article=article, limit=limit)
    else:
        items = related_articles(article=article, limit=limit)
    # The page must be purged when any story it shows here changes, or when its list does
    # (docs/caching.md).
    cache_tags_add(
        context.get("request"),
        (page_tag(item.pk) for item in items),
        related_list_tag(article.pk),
    )
    links = [(item, item.url(request)) for item in items]
    return {"enabled": enabled, "links": links, "request": request}
