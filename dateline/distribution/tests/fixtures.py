"""A small newsroom that exercises every distribution edge case.

- a headline with `&`, `<`, `</script>` and both kinds of quote, with a lead image;
- an author with a non-Latin name (and a photo);
- a section with no articles;
- an unpublished article and a scheduled one (future go_live_at), which must appear nowhere;
- a story from an hour ago (Google News) and older ones (not in Google News);
- a tag on one story only (a thin tag page) and one on three.
"""

from __future__ import annotations

import datetime as dt

import wagtail_factories
from django.utils import timezone

from dateline.core.models import SiteSettings
from dateline.distribution.models import DistributionSettings
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)

HOSTILE_HEADLINE = "Tom & Jerry say \"<b>hi</b>\" </script><script>alert('x')</script> & it's fine"
NON_LATIN_NAME = "王小明 Ольга"
UNPUBLISHED_SLUG = "never-published"
SCHEDULED_SLUG = "scheduled-story"


class NewsroomData:
    """Mixin: `setUpTestData` builds the newsroom above once per test class."""

    @classmethod
    def setUpTestData(cls):
        cls.now = timezone.now()
        cls.home = home_page()
        site = cls.home.get_site()
        SiteSettings.objects.update_or_create(
            site=site, defaults={"site_name": "The Test Courier", "tagline": "News & views"}
        )
        DistributionSettings.objects.update_or_create(site=site, defaults={"feed_full_text": True})
        cls.site = site
        cls.world = SectionPageFactory(parent=cls.home, title="World", slug="world")
        cls.empty = SectionPageFactory(parent=cls.home, title="Empty desk", slug="empty-desk")
        cls.reporter = AuthorFactory(name="Kim Lee", slug="kim-lee", bio="Writes about ports.")
        cls.photo = wagtail_factories.ImageFactory(
            title="Portrait", file__width=400, file__height=400
        )
        cls.foreign = AuthorFactory(
            name=NON_LATIN_NAME, slug="wang-xiaoming", bio="记者。", photo=cls.photo
        )
        cls.lead = wagtail_factories.ImageFactory(
            title="Harbour at dawn",
            file__width=1600,
            file__height=900,
            description="Cranes at dawn",
        )
        cls.hostile = ArticlePageFactory(
            parent=cls.world,
            title=HOSTILE_HEADLINE,
            slug="hostile-headline",
            standfirst="",
            body=paragraphs(
                "Cats &amp; mice met on Tuesday. They talked for hours.", "Second paragraph."
            ),
            lead_image=cls.lead,
            published_at=cls.now - dt.timedelta(hours=1),
            authors=[cls.foreign, cls.reporter],
            tags=["harbour", "lonely"],
        )
        cls.older = [
            ArticlePageFactory(
                parent=cls.world,
                title=f"Harbour report {n}",
                slug=f"harbour-report-{n}",
                published_at=cls.now - dt.timedelta(days=3 + n),
                authors=[cls.reporter],
                tags=["harbour"],
            )
            for n in range(3)
        ]
        cls.unpublished = ArticlePageFactory(
            parent=cls.world,
            title="Never published",
            slug=UNPUBLISHED_SLUG,
            live=False,
            published_at=None,
            authors=[cls.reporter],
            tags=["harbour"],
        )
        cls.scheduled = ArticlePageFactory(
            parent=cls.world,
            title="Scheduled story",
            slug=SCHEDULED_SLUG,
            live=False,
            published_at=None,
            go_live_at=cls.now + dt.timedelta(hours=1),
            authors=[cls.reporter],
            tags=["harbour"],
        )
        # Publishing with a future go_live_at only schedules the page; it stays not live.
        cls.scheduled.save_revision().publish()
        cls.scheduled.refresh_from_db()
        assert not cls.scheduled.live

    @property
    def live_articles(self):
        return [self.hostile, *self.older]

    hidden_slugs = (UNPUBLISHED_SLUG, SCHEDULED_SLUG)
