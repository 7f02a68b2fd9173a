"""Reader search: finds published stories, ignores drafts, survives any input."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from wagtail.test.utils import WagtailPageTestCase

from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.search.selectors import MAX_QUERY_LENGTH, clean_query


class SearchTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionPageFactory(parent=home_page(), title="Local", slug="local")
        ArticlePageFactory(
            parent=section,
            title="Library reopens after flood repairs",
            body=paragraphs("The reading room on Mill Street has new shelving."),
        )
        ArticlePageFactory(
            parent=section, title="Bus timetable changes", body=paragraphs("Routes.")
        )
        ArticlePageFactory(parent=section, title="Library draft", live=False)

    def test_finds_by_headline_and_body(self):
        self.assertContains(self.client.get("/search/", {"q": "library"}), "Library reopens")
        self.assertContains(self.client.get("/search/", {"q": "shelving"}), "Library reopens")

    def test_excludes_unpublished(self):
        self.assertNotContains(self.client.get("/search/", {"q": "library"}), "Library draft")

    def test_counts_results_and_is_not_indexed(self):
        response = self.client.get("/search/", {"q": "library"})
        self.assertContains(response, "1 result for")
        self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_empty_query_shows_the_form(self):
        response = self.client.get("/search/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="q"')

    def test_hostile_queries_never_fail(self):
        for query in [
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "a" * 5000,
            "   ",
            "%",
            "(",
            '"',
            "OR",
            "NOT library",
            "library*",
            "-library",
            "NEAR(a b)",
            "a AND",
            "^",
        ]:
            with self.subTest(query=query[:20]):
                response = self.client.get("/search/", {"q": query, "page": "x"})
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(b"<script>alert(1)</script>", response.content)

    def test_post_is_refused(self):
        self.assertEqual(self.client.post("/search/", {"q": "library"}).status_code, 405)

    def test_operators_are_words_not_syntax(self):
        self.assertContains(self.client.get("/search/", {"q": 'library" OR'}), "Library reopens")

    def test_clean_query(self):
        self.assertEqual(clean_query("  flood \n  repairs "), "flood repairs")
        self.assertEqual(clean_query(None), "")
        self.assertEqual(len(clean_query("x" * 1000)), MAX_QUERY_LENGTH)


class IndexAndQueryTests(WagtailPageTestCase):
    """Bylines, tags, stemming, accents, typos, sort orders and snippets, on both databases."""

    @classmethod
    def setUpTestData(cls):
        section = SectionPageFactory(parent=home_page(), title="World", slug="world")
        mei = AuthorFactory(name="Mei Lin", slug="mei-lin")
        tomas = AuthorFactory(name="Tomás Herrera", slug="tomas-herrera")
        cls.pipeline = ArticlePageFactory(
            parent=section,
            title="Gas pipeline deal signed",
            body=paragraphs("The new pipeline will carry gas to the coast, within budget."),
            authors=[mei],
            tags=["energy"],
            published_at=dt.datetime(2022, 12, 1, tzinfo=dt.UTC),
        )
        cls.pipelines = ArticlePageFactory(
            parent=section,
            title="Old pipelines to be replaced",
            body=paragraphs("Engineers will replace pipelines laid in the 1970s."),
            authors=[tomas],
            tags=["diplomacy"],
            published_at=dt.datetime(2023, 5, 1, tzinfo=dt.UTC),
        )
        cls.hostile = ArticlePageFactory(
            parent=section,
            title="Council budget approved",
            body=paragraphs("The budget &lt;script&gt;alert(1)&lt;/script&gt; passed at last."),
            authors=[mei],
            tags=["diplomacy"],
            published_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
        )

    def found(self, query: str, **params) -> list[str]:
        response = self.client.get("/search/", {"q": query, **params})
        self.assertEqual(response.status_code, 200)
        soup = BeautifulSoup(response.content, "html.parser")
        return [h.get_text(strip=True) for h in soup.select(".search-result h2")]

    def test_author_names_and_tags_are_searched(self):
        self.assertEqual(
            sorted(self.found("Mei Lin")), ["Council budget approved", "Gas pipeline deal signed"]
        )
        self.assertEqual(len(self.found("diplomacy")), 2)

    def test_inflected_words_and_accents_find_the_same_stories(self):
        self.assertEqual(sorted(self.found("pipeline")), sorted(self.found("pipelines")))
        self.assertEqual(len(self.found("pipelines")), 2)
        self.assertEqual(self.found("Tomas"), self.found("Tomás"))
        self.assertEqual(self.found("Tomas"), ["Old pipelines to be replaced"])

    def test_a_misspelt_word_gets_a_suggestion_that_finds_stories(self):
        response = self.client.get("/search/", {"q": "pipelnes"})
        self.assertContains(response, "Did you mean")
        self.assertContains(response, "?q=pipelines")
        self.assertNotContains(self.client.get("/search/", {"q": "pipeline"}), "Did you mean")

    def test_relevance_or_newest_first(self):
        self.assertEqual(
            self.found("diplomacy", sort="date"),
            ["Old pipelines to be replaced", "Council budget approved"],
        )
        # Relevance: the word in the headline wins over a newer story with it in the body only.
        self.assertEqual(
            self.found("budget"), ["Council budget approved", "Gas pipeline deal signed"]
        )
        self.assertEqual(
            self.found("budget", sort="date"),
            ["Gas pipeline deal signed", "Council budget approved"],
        )
        self.assertEqual(len(self.found("pipeline", sort="nonsense")), 2)

    def test_snippets_mark_the_matched_words_and_escape_the_text(self):
        html = self.client.get("/search/", {"q": "budget"}).content.decode()
        self.assertIn("<mark>budget</mark>", html)
        self.assertNotIn("<script>alert(1)", html)
        self.assertIn("&lt;script&gt;", html)

    def test_unpublished_stories_leave_the_index(self):
        self.pipelines.unpublish()
        self.assertEqual(self.found("pipelines"), ["Gas pipeline deal signed"])

    def test_one_search_landmark_per_name(self):
        soup = BeautifulSoup(self.client.get("/search/", {"q": "x"}).content, "html.parser")
        names = [form.get("aria-label") for form in soup.select("[role=search]")]
        self.assertEqual(len(names), len(set(names)), names)
