"""The interim Related News rule: shared tags and sections, then recency; never itself or a draft."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from wagtail.test.utils import WagtailPageTestCase

from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page
from dateline.related.selectors import related_articles

T0 = dt.datetime(2022, 12, 1, tzinfo=dt.UTC)


class RelatedArticlesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        china = SectionPageFactory(parent=home, title="China", slug="china")
        russia = SectionPageFactory(parent=home, title="Russia", slug="russia")
        local = SectionPageFactory(parent=home, title="Local", slug="local")
        cls.story = ArticlePageFactory(
            parent=china, tags=["diplomacy", "trade"], additional_sections=[russia], published_at=T0
        )
        cls.two_tags = ArticlePageFactory(
            parent=local, tags=["diplomacy", "trade"], published_at=T0 - dt.timedelta(days=300)
        )
        cls.one_tag_same_section = ArticlePageFactory(
            parent=china, tags=["trade"], published_at=T0 - dt.timedelta(days=30)
        )
        cls.further_section = ArticlePageFactory(
            parent=russia, published_at=T0 - dt.timedelta(days=2)
        )
        cls.unrelated = ArticlePageFactory(parent=local, tags=["weather"], published_at=T0)
        cls.draft = ArticlePageFactory(parent=china, tags=["diplomacy", "trade"], live=False)

    def test_ranks_by_what_is_shared_then_recency(self):
        related = related_articles(article=self.story, limit=5)
        self.assertEqual(related, [self.one_tag_same_section, self.two_tags, self.further_section])

    def test_never_itself_a_draft_or_an_unrelated_story(self):
        related = related_articles(article=self.story, limit=10)
        self.assertNotIn(self.story, related)
        self.assertNotIn(self.draft, related)
        self.assertNotIn(self.unrelated, related)

    def test_limit(self):
        self.assertEqual(len(related_articles(article=self.story, limit=1)), 1)
        self.assertEqual(related_articles(article=self.story, limit=0), [])

    @override_settings(DATELINE_DISABLED_FEATURES=["related"])
    def test_block_can_be_switched_off(self):
        html = self.client.get(self.story.url).content.decode()
        self.assertNotIn("Related News", html)

    def test_block_on_the_page(self):
        html = self.client.get(self.story.url).content.decode()
        block = html[html.index(">Related News</h2>") :]
        self.assertIn(self.one_tag_same_section.title, block)
        self.assertNotIn(self.unrelated.title, block)
