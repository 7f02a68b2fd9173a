"""Reader search over real archives: the demo newsroom and the BBC stories in ../shared/data."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from wagtail.test.utils import WagtailPageTestCase

from dateline.core.testing import shared_data
from dateline.demo.loader import demo_load
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.newsroom.models import ArticlePage


class DemoSearchTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        demo_load()

    def total(self, query: str) -> int:
        soup = BeautifulSoup(self.client.get("/search/", {"q": query}).content, "html.parser")
        return int(soup.select_one(".search-summary").get_text().split()[0])

    def test_an_authors_name_finds_every_story_they_wrote(self):
        credited = ArticlePage.objects.live().filter(article_authors__author__slug="mei-lin")
        self.assertGreater(credited.count(), 5)
        self.assertEqual(self.total("Mei Lin"), credited.count())

    def test_a_tag_finds_every_story_carrying_it(self):
        tagged = ArticlePage.objects.live().filter(tags__name__iexact="diplomacy")
        self.assertGreaterEqual(tagged.count(), 8)
        self.assertGreaterEqual(self.total("diplomacy"), tagged.count())

    def test_inflections_find_the_same_stories(self):
        self.assertGreaterEqual(self.total("pipeline"), 5)
        self.assertEqual(self.total("pipelines"), self.total("pipeline"))

    def test_a_typo_is_answered_with_the_archives_word(self):
        response = self.client.get("/search/", {"q": "Rusia"})
        self.assertContains(response, "Did you mean")
        self.assertContains(response, "?q=russia")


class BbcSearchTests(WagtailPageTestCase):
    """240 BBC stories (business and tech), indexed as they are published."""

    @classmethod
    def setUpTestData(cls):
        folder = shared_data("bbc-news-2225")
        home = home_page()
        author = AuthorFactory(name="BBC News", slug="bbc-news")
        start = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)
        number = 0
        for topic in ("business", "tech"):
            section = SectionPageFactory(parent=home, title=topic.title(), slug=topic)
            for path in sorted((folder / topic).glob("*.txt"))[:120]:
                lines = [line.strip() for line in path.read_text(errors="replace").splitlines()]
                title, paragraphs_ = lines[0], [line for line in lines[1:] if line]
                ArticlePageFactory(
                    parent=section,
                    slug=f"{topic}-{path.stem}",
                    title=title[:250],
                    standfirst="",
                    body=paragraphs(
                        *(p.replace("&", "&amp;").replace("<", "&lt;") for p in paragraphs_)
                    ),
                    authors=[author],
                    published_at=start + dt.timedelta(days=number),
                )
                number += 1

    def total(self, query: str, **params) -> int:
        soup = BeautifulSoup(
            self.client.get("/search/", {"q": query, **params}).content, "html.parser"
        )
        return int(soup.select_one(".search-summary").get_text().split()[0])

    def test_stemming_finds_the_singular_and_the_plural(self):
        singular, plural = self.total("economy"), self.total("economies")
        self.assertGreater(singular, 10)
        self.assertEqual(singular, plural)

    def test_every_word_must_match_and_dates_sort_newest_first(self):
        both = self.total("mobile phone")
        self.assertGreater(both, 0)
        self.assertLessEqual(both, min(self.total("mobile"), self.total("phone")))
        soup = BeautifulSoup(
            self.client.get("/search/", {"q": "mobile phone", "sort": "date"}).content,
            "html.parser",
        )
        stamps = [t["datetime"] for t in soup.select(".search-result time[datetime]")]
        self.assertEqual(stamps, sorted(stamps, reverse=True))
