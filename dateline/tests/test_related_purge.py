"""Related News lists that change without a publication still purge the pages that show them."""

from __future__ import annotations

from dateline.cache.tests.test_page_cache import CACHE_HEADER, PageCacheTestCase
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page
from dateline.related.models import RelatedChoice
from dateline.related.services import related_choice_set


class EditorsChoiceTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        harbour = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
        culture = SectionPageFactory(parent=home, title="Culture", slug="culture")
        cls.story = ArticlePageFactory(parent=harbour, slug="ferry", title="Ferry timetable")
        cls.other = ArticlePageFactory(parent=culture, slug="opera", title="Opera season opens")
        for article in (cls.story, cls.other):
            article.save_revision().publish()

    def test_pinning_and_excluding_purge_the_storys_page(self):
        url = self.story.url
        self.client.get(url)
        self.assertEqual(self.client.get(url)[CACHE_HEADER], "hit")
        with self.captureOnCommitCallbacks(execute=True):
            related_choice_set(
                article_id=self.story.pk, related_id=self.other.pk, action=RelatedChoice.PIN
            )
        pinned = self.client.get(url)
        self.assertEqual(pinned[CACHE_HEADER], "miss")
        self.assertContains(pinned, "Opera season opens")
        with self.captureOnCommitCallbacks(execute=True):
            related_choice_set(
                article_id=self.story.pk, related_id=self.other.pk, action=RelatedChoice.EXCLUDE
            )
        excluded = self.client.get(url)
        self.assertEqual(excluded[CACHE_HEADER], "miss")
        self.assertNotContains(excluded, "Opera season opens")
