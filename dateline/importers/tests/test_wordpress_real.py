"""The WordPress importer on real exports: WordPress's theme unit test data and importer fixtures.

Needs the shared data folder (`DATELINE_SHARED_DATA`, default `../shared/data`): without it the tests
skip on a developer's machine and fail under `CI=true` (`dateline.core.testing.require`).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import lxml.html
from django.test import TestCase, override_settings
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update

from dateline.core.testing import require
from dateline.importers.content import text_of
from dateline.importers.models import ImportedItem
from dateline.importers.report import ImportFailed
from dateline.importers.tests.fixtures import bbc_texts, text_items, write, wxr
from dateline.importers.wordpress import wordpress_import
from dateline.importers.wordpress.wxr import wxr_index, wxr_items
from dateline.newsroom.factories import home_page
from dateline.newsroom.models import ArticlePage, Author, SectionPage
from dateline.newsroom.selectors import menu_sections
from dateline.newsroom.text import body_blocks
from dateline.pages.models import StandardPage
from dateline.settings.env import shared_data_dir

WXR_DIR = shared_data_dir() / "wordpress-wxr"
THEME_EXPORT = WXR_DIR / "theme-test-data" / "themeunittestdata.wordpress.xml"
FIXTURES = WXR_DIR / "wordpress-importer-fixtures"
# Files the WordPress importer's own tests use to check that bad input is refused. crazy-cdata.xml
# nests a CDATA section inside another, which no XML parser accepts (WordPress's regex fallback
# does); we refuse it as not well-formed.
REFUSED = {
    "malformed.xml": "not well-formed",
    "invalid-version-tag.xml": "version 'abc'",
    "missing-version-tag.xml": "wxr_version",
    "crazy-cdata.xml": "not well-formed",
}


_WP_SHORTCODE_TAG = re.compile(
    r"\[/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)\b[^\]]*\]", re.I
)


def source_brackets(content: str) -> list[str]:
    """Return the bracketed spans a reader of the WordPress post saw ("[sic]", "[Rosneft and CNPC]").

    The post's text less markup: block comments, WordPress's own shortcodes and tags removed.
    """
    content = re.sub(r"<!--.*?-->", " ", content, flags=re.S)
    content = re.sub(r"\[\[([^\]]*)\]\]", " ", content)  # escaped shortcodes print as shortcodes
    content = _WP_SHORTCODE_TAG.sub(" ", content)
    if not content.strip():
        return []
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for element in root.xpath("//script|//style|//noscript|//template|//form|//iframe"):
        element.drop_tree()
    text = " ".join(" ".join(root.itertext()).split())
    return re.findall(r"\[[^\[\]]+\]", text)


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "authors": Author.objects.count(),
        "tags": Tag.objects.count(),
        "redirects": Redirect.objects.count(),
        "mapping": ImportedItem.objects.count(),
    }


# The search and reference indexes are Wagtail's to test; skipping their updates keeps this fast.
FAST = override_settings(
    WAGTAILSEARCH_BACKENDS={
        "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
    }
)


@FAST
class ThemeUnitTestExportTests(TestCase):
    """The theme unit test export imports completely, and a second run changes nothing."""

    @classmethod
    def setUpClass(cls):
        # Before the class's transaction opens: a skip raised inside setUpTestData would leave it open.
        require(THEME_EXPORT.is_file(), f"shared data absent: {THEME_EXPORT}")
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        home_page()
        cls.index = wxr_index(THEME_EXPORT)
        with disable_reference_index_auto_update():
            cls.first = wordpress_import(path=THEME_EXPORT, commit=True)
            cls.after_first = counts()
            cls.second = wordpress_import(path=THEME_EXPORT, commit=True)

    def test_every_item_is_accounted_for(self):
        types = self.index.item_types
        summary = self.first.counts
        self.assertEqual(sum(summary["post"].values()), types["post"])
        self.assertEqual(sum(summary["page"].values()), types["page"])
        self.assertEqual(sum(summary["attachment"].values()), types["attachment"])
        self.assertEqual(sum(summary["category"].values()), len(self.index.categories))
        self.assertEqual(sum(summary["tag"].values()), len(self.index.tags))
        # Two people wrote the export; two posts misspell a login (">themereviewteam").
        self.assertEqual(summary["author"]["create"], 2)
        self.assertEqual(sum(summary["author"].values()), 2)
        others = sum(sum(c.values()) for k, c in summary.items() if k.startswith("other: "))
        self.assertEqual(
            others, sum(n for t, n in types.items() if t not in {"post", "page", "attachment"})
        )

    def test_content_lands_where_expected(self):
        self.assertEqual(ArticlePage.objects.count(), self.index.item_types["post"])
        self.assertEqual(StandardPage.objects.count(), self.index.item_types["page"])
        self.assertEqual(
            SectionPage.objects.descendant_of(home_page()).count(), len(self.index.categories)
        )
        self.assertGreaterEqual(Tag.objects.count(), 100)
        # Every live imported article renders for readers.
        for article in ArticlePage.objects.live()[:10]:
            self.assertEqual(self.client.get(article.url).status_code, 200, article.url)

    def test_authors_are_matched_by_login(self):
        self.assertEqual(
            sorted(Author.objects.values_list("slug", "name")),
            [("themedemos", "Theme Buster"), ("themereviewteam", "Theme Reviewer")],
        )
        reviewer = Author.objects.get(slug="themereviewteam")
        expected = sum(
            1
            for item in wxr_items(THEME_EXPORT)
            if item.post_type == "post"
            and item.status not in {"trash", "inherit"}
            and item.creator.strip("<>") == "themereviewteam"
        )
        self.assertEqual(
            ArticlePage.objects.filter(article_authors__author=reviewer).count(), expected
        )

    def test_categories_stay_out_of_the_menu_and_keep_nesting(self):
        self.assertEqual(menu_sections(), [])
        grandchild = SectionPage.objects.get(slug="grandchild-category")
        self.assertEqual(
            [p.slug for p in grandchild.get_ancestors()[2:]],
            ["parent-category", "child-category-03"],
        )

    def test_titles_are_plain_text(self):
        titles = set(ArticlePage.objects.values_list("title", flat=True))
        self.assertIn("Markup: Title With Markup", titles)
        self.assertIn(
            "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>", titles
        )
        self.assertFalse([t for t in titles if re.search(r"<[a-zA-Z/]|&#?\w+;", t)])

    def test_bracketed_text_survives(self):
        for item in wxr_items(THEME_EXPORT):
            if item.post_type != "post" or item.status in {"trash", "inherit"}:
                continue
            article = ArticlePage.objects.get(
                pk=ImportedItem.objects.get(kind="post", source_id=item.post_id).target_id
            )
            body = " ".join(" ".join(block.text for block in body_blocks(article.body)).split())
            for span in source_brackets(item.content):
                with self.subTest(item.label, span=span):
                    self.assertIn(span, body)

    def test_second_run_changes_nothing(self):
        self.assertEqual(counts(), self.after_first)
        self.assertEqual(self.second.total("create"), 0)
        self.assertEqual(self.second.total("update"), 0)


@FAST
class ImporterFixtureTests(TestCase):
    """Every bad fixture is refused with a clear message; every good one imports (as a dry run)."""

    @classmethod
    def setUpClass(cls):
        require(FIXTURES.is_dir(), f"shared data absent: {FIXTURES}")
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        home_page()

    def test_bad_files_are_refused_without_change(self):
        before = counts()
        for name, message in REFUSED.items():
            with self.subTest(name), self.assertRaises(ImportFailed) as caught:
                wordpress_import(path=FIXTURES / name, commit=True)
            self.assertIn(message, str(caught.exception))
            self.assertIn(name, str(caught.exception))
        self.assertEqual(counts(), before)

    def test_good_files_import(self):
        for path in sorted(FIXTURES.glob("*.xml")):
            if path.name in REFUSED or "theme-unit-test" in path.name:
                continue
            index = wxr_index(path)
            if sum(index.item_types.values()) > 15:
                continue  # the large ones repeat the theme export, tested above
            with self.subTest(path.name), disable_reference_index_auto_update():
                report = wordpress_import(path=path, commit=False)
                posts = index.item_types.get("post", 0)
                self.assertEqual(sum(report.counts.get("post", {}).values()), posts)

    def test_cdata_and_utf8_edge_cases_survive(self):
        report = wordpress_import(path=FIXTURES / "cdata-edge.xml", commit=True)
        self.assertEqual(report.counts["post"]["create"], 1)
        article = ArticlePage.objects.get()
        self.assertEqual(text_of(str(article.body[0].value)), "ends with sequence ]] >")


@FAST
class RealTextsTests(TestCase):
    """BBC News texts, written into an export, import word for word (brackets too)."""

    @classmethod
    def setUpClass(cls):
        cls.texts = bbc_texts(limit=120)
        require(bool(cls.texts), "shared data absent: bbc-news-2225/")
        # Every text with brackets, plus the first ones, so the quotation cases are all in.
        bracketed = [t for t in bbc_texts() if any("[" in p for p in t.paragraphs)]
        cls.texts = list({t.headline: t for t in [*cls.texts, *bracketed]}.values())
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        home_page()
        folder = Path(tempfile.mkdtemp(prefix="dateline-bbc-wxr-"))
        cls.export = write(folder, "bbc.xml", wxr(*text_items(cls.texts)))
        with disable_reference_index_auto_update():
            cls.report = wordpress_import(path=cls.export, commit=True)

    def test_bodies_equal_the_texts(self):
        self.assertGreater(sum(1 for t in self.texts if any("[" in p for p in t.paragraphs)), 50)
        by_id = {
            record.source_id: record.target_id
            for record in ImportedItem.objects.filter(kind="post")
        }
        pages = ArticlePage.objects.in_bulk(list(by_id.values()))
        for number, text in enumerate(self.texts):
            article = pages[by_id[str(1000 + number)]]
            got = [block.text for block in body_blocks(article.body)]
            with self.subTest(text.headline):
                self.assertEqual(article.title, text.headline)
                self.assertEqual(got, text.paragraphs)

    def test_second_run_changes_nothing(self):
        before = counts()
        report = wordpress_import(path=self.export, commit=True)
        self.assertEqual(report.total("create") + report.total("update"), 0)
        self.assertEqual(counts(), before)
