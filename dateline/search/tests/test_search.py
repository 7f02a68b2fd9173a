"""Reader search: finds published stories, ignores drafts, survives any input."""

from __future__ import annotations

from wagtail.test.utils import WagtailPageTestCase

from dateline.newsroom.factories import (
    ArticlePageFactory,
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
