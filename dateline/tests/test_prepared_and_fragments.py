"""Prepared querysets (`core.prepared`) and memoised site-wide fragments (`core.fragments`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from wagtail.test.utils import WagtailPageTestCase

from dateline.core.prepared import prepared_objects
from dateline.distribution.content import (
    article_body_text,
    article_description,
    first_sentence,
)
from dateline.newsroom import selectors
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.newsroom.models import ArticleAuthor, ArticlePage, Author


class PreparedObjectsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.section = SectionPageFactory(parent=home, title="World", slug="world")
        cls.first, cls.second = AuthorFactory(name="Ada Byline"), AuthorFactory(name="Bo Byline")
        cls.article = ArticlePageFactory(
            parent=cls.section,
            published_at=dt.datetime(2022, 12, 9, 8, 30, tzinfo=dt.UTC),
            authors=[cls.second, cls.first],
            tags=["harbour", "Bridges"],
        )

    def page(self, pk: int) -> list[ArticlePage]:
        return prepared_objects(
            ArticlePage, "test-page", lambda value: ArticlePage.objects.filter(pk=value)[:1], pk
        )

    def test_same_instance_as_the_orm_with_converted_values(self):
        found = self.page(self.article.pk)
        expected = ArticlePage.objects.get(pk=self.article.pk)
        self.assertEqual(len(found), 1)
        for field in ArticlePage._meta.concrete_fields:
            self.assertEqual(
                getattr(found[0], field.attname), getattr(expected, field.attname), field.name
            )
        # Dates come back as aware datetimes on every backend, not as the stored text.
        self.assertEqual(found[0].published_at, dt.datetime(2022, 12, 9, 8, 30, tzinfo=dt.UTC))
        self.assertFalse(found[0]._state.adding)
        self.assertEqual(found[0]._state.db, "default")

    def test_other_values_use_the_same_compiled_query(self):
        other = ArticlePageFactory(parent=self.section, title="Another story")
        self.page(self.article.pk)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual([page.title for page in self.page(other.pk)], ["Another story"])
            self.assertEqual(self.page(-1), [])
        self.assertEqual(len(queries), 2)
        self.assertEqual(queries[0]["sql"].split("WHERE")[0], queries[1]["sql"].split("WHERE")[0])

    def test_byline_order_and_tags_match_the_orm(self):
        self.assertEqual(
            [author.name for author in selectors.article_authors(article=self.article)],
            ["Bo Byline", "Ada Byline"],
        )
        self.assertEqual(
            [tag.name for tag in selectors.article_tags(article=self.article)],
            ["Bridges", "harbour"],
        )
        self.assertTrue(
            all(isinstance(tag, Tag) for tag in selectors.article_tags(article=self.article))
        )

    def test_previews_read_the_editors_unsaved_choices(self):
        page = ArticlePage.objects.get(pk=self.article.pk)
        page.tags.set(["Draft tag"])  # in memory only, as the editor's form leaves it
        page.article_authors = [ArticleAuthor(author=self.first, sort_order=0)]
        desk = SectionPageFactory(parent=self.section.get_parent(), title="Desk", slug="desk")
        page.additional_sections.set([desk])
        self.assertEqual([tag.name for tag in selectors.article_tags(article=page)], ["Draft tag"])
        self.assertEqual(
            [author.name for author in selectors.article_authors(article=page)], ["Ada Byline"]
        )
        self.assertEqual(
            [section.title for section in selectors.article_sections(article=page)],
            ["World", "Desk"],
        )
        # The stored page is unchanged.
        self.assertEqual(len(selectors.article_authors(article=self.article)), 2)
        self.assertEqual(
            [section.title for section in selectors.article_sections(article=self.article)],
            ["World"],
        )
        self.assertEqual(
            [tag.name for tag in selectors.article_tags(article=self.article)],
            ["Bridges", "harbour"],
        )

    def test_querysets_it_cannot_rebuild_are_refused(self):
        with self.assertRaises(ValueError):
            prepared_objects(
                ArticlePage,
                "test-joined",
                lambda pk: ArticlePage.objects.filter(pk=pk).select_related("lead_image"),
                self.article.pk,
            )
        with self.assertRaises(ValueError):
            prepared_objects(Author, "test-constant", lambda pk: Author.objects.all(), 1)
        with self.assertRaises(ValueError):
            prepared_objects(Author, "test-other-model", lambda pk: Tag.objects.filter(pk=pk), 1)


class DescriptionTests(TestCase):
    """The page description reads only the body's opening, with the whole body's answer."""

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionPageFactory(parent=home_page(), title="World", slug="world")

    def assert_same_as_whole_body(self, *texts: str) -> str:
        article = ArticlePageFactory(parent=self.section, standfirst="", body=paragraphs(*texts))
        article = ArticlePage.objects.get(pk=article.pk)
        whole = first_sentence(text=article_body_text(article=article))
        self.assertEqual(article_description(article=article), whole)
        return whole

    def test_opening_cut_agrees_with_the_whole_body(self):
        self.assertEqual(
            self.assert_same_as_whole_body("Harbour opens", "to ships today. Crowds came."),
            "Harbour opens to ships today.",
        )
        self.assertEqual(
            self.assert_same_as_whole_body("Prices &lt;rose&gt; &amp; fell.", "Later text."),
            "Prices <rose> & fell.",
        )
        long = self.assert_same_as_whole_body("word " * 80, "more " * 80, "End. Then.")
        self.assertTrue(long.endswith("…"))
        self.assertEqual(self.assert_same_as_whole_body("", "   ", "Only one"), "Only one")
        self.assertEqual(
            self.assert_same_as_whole_body('He said "stop."', "Next one."), 'He said "stop."'
        )


@pytest.mark.usefixtures("site_memo_on")
class FragmentTests(WagtailPageTestCase):
    """Navigation rendered once per current section; each page still marks its own section."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.world = SectionPageFactory(parent=cls.home, title="World", slug="world")
        cls.sport = SectionPageFactory(parent=cls.home, title="Sport", slug="sport")
        cls.story = ArticlePageFactory(parent=cls.world, title="Harbour opens")

    def current(self, url: str) -> list[str]:
        html = self.client.get(url).content.decode()
        nav = html[html.index('class="section-nav"') :]
        nav = nav[: nav.index("</nav>")]
        return [part.split(">")[1].split("<")[0] for part in nav.split('aria-current="page"')[1:]]

    def test_each_page_marks_its_own_section(self):
        for _ in range(2):  # the second pass is served from the memo
            self.assertEqual(self.current(self.story.url), ["World"])
            self.assertEqual(self.current(self.sport.url), ["Sport"])
            self.assertEqual(self.current(self.world.url), ["World"])
            self.assertEqual(self.current("/"), [])

    def test_a_render_reads_the_content_token_once(self):
        from dateline.cache import store
        from dateline.core import memo

        reads = []

        def counted() -> str:
            reads.append(1)
            return store.current_seq()

        memo.token_source_set(counted)
        self.client.get(self.story.url)  # fills the memo
        reads.clear()
        self.assertContains(self.client.get(self.story.url), "Harbour opens")
        self.assertEqual(len(reads), 1)
        # Outside a request every lookup reads it.
        memo.site_memo("probe", lambda: 1)
        memo.site_memo("probe", lambda: 1)
        self.assertEqual(len(reads), 3)
