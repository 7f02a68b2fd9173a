"""Feeds are cached like pages and purged by the same mechanism when a story changes."""

from __future__ import annotations

from wagtail.models import Site

from dateline.cache.tests.test_page_cache import CACHE_HEADER, PageCacheTestCase
from dateline.distribution.models import DistributionSettings
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page

FEEDS = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]


class FeedCacheTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionPageFactory(parent=home_page(), title="Harbour", slug="harbour")
        cls.story = ArticlePageFactory(parent=cls.section, title="Ferry timetable changes")

    def test_feeds_are_served_from_the_cache(self):
        for url in FEEDS:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url)[CACHE_HEADER], "miss")
                self.assertEqual(self.client.get(url)[CACHE_HEADER], "hit")

    def test_publishing_a_story_purges_the_feeds(self):
        for url in FEEDS:
            self.client.get(url)
        with self.captureOnCommitCallbacks(execute=True):
            ArticlePageFactory(
                parent=self.section, title="New pier opens"
            ).save_revision().publish()
        for url in FEEDS:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response[CACHE_HEADER], "miss")
                self.assertContains(response, "New pier opens")

    def test_feed_settings_purge_the_feeds(self):
        self.client.get(FEEDS[0])
        with self.captureOnCommitCallbacks(execute=True):
            settings = DistributionSettings.for_site(Site.objects.get(is_default_site=True))
            settings.save()
        self.assertEqual(self.client.get(FEEDS[0])[CACHE_HEADER], "miss")
