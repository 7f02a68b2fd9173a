"""Home, section, author and tag pages: what they list, pagination, and reader input that must not fail."""

from __future__ import annotations

import datetime as dt

import lxml.html
from django.test import override_settings
from wagtail.test.utils import WagtailPageTestCase

from dateline.newsroom import selectors
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
)
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.services import home_top_stories_set

BAD_PAGE_PARAMS = ["abc", "0", "-1", "99999", "1e9", "", "%00", "2.5", "9" * 40, "１"]


class SectionPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.china = SectionPageFactory(parent=home, title="China News", slug="china-news")
        cls.russia = SectionPageFactory(parent=home, title="Russia News", slug="russia-news")
        cls.empty = SectionPageFactory(parent=home, title="Culture", slug="culture")
        cls.author = AuthorFactory(name="Mei Lin", slug="mei-lin")
        cls.both = ArticlePageFactory(
            parent=cls.china,
            title="Ministers meet in Beijing",
            additional_sections=[cls.russia],
            authors=[cls.author],
        )
        cls.china_only = ArticlePageFactory(parent=cls.china, title="Port traffic rises")
        cls.draft = ArticlePageFactory(parent=cls.russia, title="Unfinished draft", live=False)

    def test_lists_article_filed_under_it(self):
        html = self.client.get("/china-news/").content.decode()
        self.assertIn("Ministers meet in Beijing", html)
        self.assertIn("Port traffic rises", html)

    def test_lists_article_that_names_it_as_a_further_section(self):
        html = self.client.get("/russia-news/").content.decode()
        self.assertIn("Ministers meet in Beijing", html)
        self.assertNotIn("Port traffic rises", html)

    def test_never_lists_unpublished_articles(self):
        html = self.client.get("/russia-news/").content.decode()
        self.assertNotIn("Unfinished draft", html)

    def test_empty_section_says_so(self):
        response = self.client.get("/culture/")
        self.assertContains(response, "No stories in this section yet.")

    def test_newest_first(self):
        html = self.client.get("/china-news/").content.decode()
        self.assertLess(html.index("Port traffic rises"), html.index("Ministers meet in Beijing"))

    @override_settings(DATELINE_ARTICLES_PER_PAGE=1)
    def test_pagination_splits_the_listing(self):
        first = self.client.get("/china-news/").content.decode()
        second = self.client.get("/china-news/?page=2").content.decode()
        self.assertIn("Page 1 of 2", first)
        self.assertIn("Port traffic rises", first)
        self.assertIn("Ministers meet in Beijing", second)
        self.assertNotIn("Port traffic rises", second)

    @override_settings(DATELINE_ARTICLES_PER_PAGE=1)
    def test_bad_page_numbers_never_fail(self):
        for value in BAD_PAGE_PARAMS:
            for url in ("/china-news/", "/search/?q=Beijing", "/authors/mei-lin/"):
                with self.subTest(url=url, page=value):
                    response = self.client.get(url, {"page": value})
                    self.assertEqual(response.status_code, 200)

    @override_settings(DATELINE_ARTICLES_PER_PAGE=1)
    def test_out_of_range_page_shows_the_last_page(self):
        html = self.client.get("/china-news/?page=99999").content.decode()
        self.assertIn("Page 2 of 2", html)


class HomePageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.world = SectionPageFactory(parent=cls.home, title="World", slug="world")
        cls.local = SectionPageFactory(parent=cls.home, title="Local", slug="local")
        base = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
        cls.world_stories = [
            ArticlePageFactory(
                parent=cls.world, title=f"World story {n}", published_at=base + dt.timedelta(days=n)
            )
            # More than the nine latest, so the World front has stories the latest list does not.
            for n in range(14)
        ]
        cls.old = ArticlePageFactory(
            parent=cls.local, title="An old local story", published_at=base - dt.timedelta(days=900)
        )

    def test_front_page_shows_latest_and_sections(self):
        html = self.client.get("/").content.decode()
        self.assertIn("Latest stories", html)
        self.assertIn("World story 13", html)
        self.assertIn('id="front-world"', html)
        self.assertIn('id="front-local"', html)

    def test_no_story_twice_on_the_front_page(self):
        html = self.client.get("/").content.decode()
        for article in [*self.world_stories, self.old]:
            with self.subTest(article=article.title):
                self.assertLessEqual(html.count(f'href="{article.url}"'), 1)
        # The newest story (in the latest list) and the old one (its section's front) are each there once.
        for article in (self.world_stories[-1], self.old):
            self.assertEqual(html.count(f'href="{article.url}"'), 1)

    def test_section_fronts_show_the_latest_few_per_section(self):
        html = self.client.get("/").content.decode()
        front = html[html.index('id="front-world"') : html.index('id="front-local"')]
        self.assertIn("World story 4", front)
        self.assertIn("World story 2", front)
        self.assertNotIn("World story 1", front)
        local_front = html[html.index('id="front-local"') :]
        self.assertIn("An old local story", local_front)

    def test_section_fronts_beyond_the_recent_window_are_the_same(self):
        """A section whose stories are all older than the window still shows its latest ones."""
        exact = [
            (section.pk, [article.pk for article in articles])
            for section, articles in selectors.section_fronts(home=self.home, per_section=3)
        ]
        # A window of one story: every section is left short and ranked by the second query.
        tiny = {"min_window": 1, "window_per_story": 0}
        narrow = [
            (section.pk, [article.pk for article in articles])
            for section, articles in selectors.section_fronts(home=self.home, per_section=1, **tiny)
        ]
        windowed = [
            (section.pk, [article.pk for article in articles])
            for section, articles in selectors.section_fronts(home=self.home, per_section=3, **tiny)
        ]
        self.assertEqual(windowed, exact)
        self.assertEqual(narrow, [(pk, pks[:1]) for pk, pks in exact])
        self.assertTrue(any(pks for _, pks in exact))

    def test_top_stories_lead_the_front_page(self):
        home_top_stories_set(home=self.home, articles=[self.old])
        html = self.client.get("/").content.decode()
        self.assertLess(html.index("An old local story"), html.index("Latest stories"))

    def test_top_story_that_is_unpublished_disappears(self):
        home_top_stories_set(home=self.home, articles=[self.old])
        self.old.unpublish()
        html = self.client.get("/").content.decode()
        self.assertNotIn("An old local story", html)
        self.assertNotIn("top-stories", html)


class AuthorAndTagPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        section = SectionPageFactory(parent=home, title="World", slug="world")
        cls.author = AuthorFactory(name="张伟", slug="zhang-wei", bio="Covers trade.")
        cls.other = AuthorFactory(name="Ana Ruiz", slug="ana-ruiz")
        ArticlePageFactory(
            parent=section, title="Trade talks resume", authors=[cls.author], tags=["trade"]
        )
        ArticlePageFactory(parent=section, title="Weather warning", authors=[cls.other])
        # A Greek tag, as in WordPress's theme unit test export: its slug is Greek too.
        ArticlePageFactory(
            parent=section, title="Athens votes", authors=[cls.other], tags=["δοκιμή"]
        )

    def test_author_page_lists_their_articles_only(self):
        response = self.client.get("/authors/zhang-wei/")
        self.assertContains(response, "<h1>张伟</h1>", html=True)
        self.assertContains(response, "Covers trade.")
        self.assertContains(response, "Trade talks resume")
        self.assertNotContains(response, "Weather warning")

    def test_tag_page_lists_tagged_articles(self):
        response = self.client.get("/tags/trade/")
        self.assertContains(response, "Trade talks resume")
        self.assertNotContains(response, "Weather warning")

    def test_a_tag_with_a_non_latin_slug_has_its_page(self):
        article = ArticlePage.objects.get(title="Athens votes")
        tree = lxml.html.fromstring(self.client.get(article.url).content)
        (link,) = [a for a in tree.iter("a") if a.text_content() == "δοκιμή"]
        response = self.client.get(link.get("href"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Athens votes")
        self.assertNotContains(response, "Weather warning")
        # The link is percent-encoded (as sitemaps and feeds need it), and the raw form works too.
        self.assertEqual(link.get("href"), "/tags/%CE%B4%CE%BF%CE%BA%CE%B9%CE%BC%CE%AE/")
        self.assertContains(self.client.get("/tags/δοκιμή/"), "Athens votes")

    def test_unknown_author_and_tag_are_404(self):
        self.assertEqual(self.client.get("/authors/nobody/").status_code, 404)
        self.assertEqual(self.client.get("/tags/nothing-here/").status_code, 404)

    def test_article_byline_links_to_author_page(self):
        article = ArticlePage.objects.get(title="Trade talks resume")
        html = self.client.get(article.url).content.decode()
        self.assertIn('<a href="/authors/zhang-wei/">张伟</a>', html)
        self.assertIn('<a href="/tags/trade/">trade</a>', html)
