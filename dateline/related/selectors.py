"""Related News: the stories shown beside an article.

Interim rule until the related-news engine lands: stories sharing the article's tags and sections,
ranked by how much they share, then by recency. Templates only call `related_articles`.
"""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from wagtail.models import Page

from dateline.newsroom.models import ArticlePage, ArticlePageTag, SectionPage
from dateline.newsroom.selectors import live_articles


def related_articles(*, article: ArticlePage, limit: int = 5) -> list[ArticlePage]:
    """Return up to `limit` published stories related to `article`, most related first.

    Never returns the article itself or an unpublished story.
    """
    if article.pk is None or limit <= 0:
        return []
    through = ArticlePage.additional_sections.through
    tag_ids = list(article.tagged_items.values_list("tag_id", flat=True))
    further_ids = through.objects.filter(articlepage_id=article.pk).values("sectionpage_id")
    sections = list(
        SectionPage.objects.filter(
            Q(path=article.path[: -Page.steplen]) | Q(pk__in=further_ids)
        ).values_list("pk", "path")
    )
    shares_section = Q(
        pk__in=through.objects.filter(sectionpage_id__in=[pk for pk, _ in sections]).values(
            "articlepage_id"
        )
    )
    for _, path in sections:
        shares_section |= Q(path__startswith=path)

    shared_tags = (
        ArticlePageTag.objects.filter(content_object=OuterRef("pk"), tag_id__in=tag_ids)
        .values("content_object")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        live_articles()
        .exclude(pk=article.pk)
        .annotate(
            shared_tags=Coalesce(Subquery(shared_tags, output_field=IntegerField()), Value(0)),
            shared_section=Case(When(shares_section, then=Value(1)), default=Value(0)),
            relatedness=F("shared_tags") + F("shared_section"),
        )
        .filter(relatedness__gt=0)
        .order_by("-relatedness", "-published_at", "-pk")[:limit]
    )
