"""Reads for the page cache: which tags a change to an article touches."""

from __future__ import annotations

from wagtail.models import Page

from dateline.almanac.selectors import calendar_day_shown
from dateline.core import cachetags, dates
from dateline.core.selectors import site_settings_for
from dateline.newsroom.models import ArticleAuthor, ArticlePage, ArticlePageTag, SectionPage


def article_dependent_tags(*, article: ArticlePage) -> set[str]:
    """Return the tags of every page that shows `article` or lists it, as the database has it now.

    Its own page and every page linking to it (cards, Related News), its sections' listings, the
    home page, its authors' and tags' listings, feeds and sitemaps, and On this day when the story is
    from an earlier year on a calendar day today's block shows (as `almanac.selectors` picks).
    """
    tags = {cachetags.page_tag(article.pk), cachetags.HOME, cachetags.FEEDS}
    if article.path and len(article.path) > Page.steplen:
        parent = SectionPage.objects.filter(path=article.path[: -Page.steplen]).values("pk").first()
        if parent is not None:
            tags.add(cachetags.section_articles_tag(parent["pk"]))
    through = ArticlePage.additional_sections.through
    tags.update(
        cachetags.section_articles_tag(pk)
        for pk in through.objects.filter(articlepage_id=article.pk).values_list(
            "sectionpage_id", flat=True
        )
    )
    tags.update(
        cachetags.author_articles_tag(pk)
        for pk in ArticleAuthor.objects.filter(page_id=article.pk).values_list(
            "author_id", flat=True
        )
    )
    tags.update(
        cachetags.tag_articles_tag(pk)
        for pk in ArticlePageTag.objects.filter(content_object_id=article.pk).values_list(
            "tag_id", flat=True
        )
    )
    if article.published_at is not None:
        zone = site_settings_for().zone
        today = dates.local_today(zone)
        day = article.published_at.astimezone(zone).date()
        # On this day draws on earlier years only: a story dated this year is in no block, and
        # purging the block for it would empty the cache of every page at each breaking story.
        if day.year < today.year and calendar_day_shown(month=day.month, day=day.day, today=today):
            tags.add(cachetags.ALMANAC)
    return tags
