"""The saved-page importer: extraction from HTML and plain-text captures, and the import itself."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zoneinfo
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings

from dateline.core.testing import require
from dateline.importers.html import capture_extract, html_import, page_extract
from dateline.importers.html.plaintext import capture_parse, parse_date_line, split_sections
from dateline.importers.tests.fixtures import (
    ARTICLE_HTML,
    REFERENCE_ARTICLE,
    ImportTestCase,
    body_blocks,
    png_bytes,
    write,
)
from dateline.newsroom import selectors
from dateline.newsroom.factories import home_page
from dateline.newsroom.models import ArticlePage
from dateline.settings.env import shared_data_dir

REFERENCE_CAPTURE = shared_data_dir().parent / "seed" / "reference-article.txt"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dateline-html-test-media-"))


class PageExtractTests(SimpleTestCase):
    def test_reads_the_pages_metadata_and_body(self):
        page = page_extract(ARTICLE_HTML)
        self.assertEqual(page.headline, "Bridge reopens after repairs")
        self.assertEqual(
            page.published,
            dt.datetime(2023, 5, 6, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        )
        self.assertEqual(page.authors, ["Ada Lovelace", "Alan Turing"])
        self.assertEqual(page.sections, ["Transport", "Local"])
        self.assertEqual(page.lead_image, "bridge.png")
        self.assertEqual(page.canonical_url, "https://valley.example.com/transport/bridge-reopens")
        self.assertIn("old stone bridge", page.body_text)
        self.assertIn("eighteen tonnes", page.body_text)
        for furniture in ("Copyright", "alert(", "Sport"):
            self.assertNotIn(furniture, page.body_text)

    def test_title_without_metadata_loses_the_site_name(self):
        page = page_extract(
            "<html><head><title>Storm hits coast -- Weather -- Example.net</title></head>"
            "<body><h1>Storm hits coast</h1><p>"
            + "Rain fell all night. " * 30
            + "</p></body></html>"
        )
        self.assertEqual(page.headline, "Storm hits coast")

    def test_hostile_input_does_not_raise(self):
        for markup in ("", "<<<>>>", "\x00\x01", "<script>" * 1000, b"\xff\xfe<html>"):
            with self.subTest(markup[:10]):
                page = page_extract(markup)
                # Without a headline the importer skips the page (see html_import).
                self.assertEqual(page.headline, "")


class CaptureTests(SimpleTestCase):
    def test_date_lines(self):
        for line in ("DECEMBER 9, 2022", "9 Dec 2022", "Friday, December 9th, 2022", "2022-12-09"):
            with self.subTest(line):
                self.assertEqual(parse_date_line(line), dt.date(2022, 12, 9))
        self.assertIsNone(parse_date_line("Related News"))

    def test_section_lines(self):
        self.assertEqual(split_sections("China News Russia News"), ["China News", "Russia News"])
        self.assertEqual(split_sections("Sport | Local"), ["Sport", "Local"])
        self.assertEqual(
            split_sections("World Europe Business", known=["World", "Europe", "Business"]),
            ["World", "Europe", "Business"],
        )

    def test_furniture_is_dropped(self):
        capture = capture_parse(
            "MARCH 1, 2024\nLocal News\n\nMill to close\n\nBy Sam Reed\n\n"
            "The mill will close.\n\nWorkers were told on Monday.\n\n"
            "Related News\n\nOther story\n\nAbout Us\n\nWe are a paper."
        )
        self.assertEqual(capture.headline, "Mill to close")
        self.assertEqual(capture.authors, ["Sam Reed"])
        self.assertEqual(capture.sections, ["Local News"])
        self.assertEqual(
            capture.paragraphs, ["The mill will close.", "Workers were told on Monday."]
        )


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class HtmlImportTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        write(self.folder, "bridge.html", ARTICLE_HTML)
        (self.folder / "bridge.png").write_bytes(png_bytes())

    def test_dry_run_then_commit_then_rerun(self):
        report = html_import(source=self.folder, commit=False)
        self.assertEqual(report.counts["article"]["create"], 1)
        self.assertFalse(ArticlePage.objects.exists())

        html_import(source=self.folder, commit=True)
        article = ArticlePage.objects.get()
        self.assertEqual(article.title, "Bridge reopens after repairs")
        self.assertEqual(article.get_parent().title, "Transport")
        self.assertEqual(
            [s.title for s in selectors.article_sections(article=article)], ["Transport", "Local"]
        )
        self.assertEqual(
            [a.name for a in selectors.article_authors(article=article)],
            ["Ada Lovelace", "Alan Turing"],
        )
        self.assertIsNotNone(article.lead_image)
        self.assertTrue(all(block.block_type == "paragraph" for block in article.body))
        revisions = article.revisions.count()

        again = html_import(source=self.folder, commit=True)
        self.assertEqual(again.counts["article"]["skip"], 1)
        self.assertEqual(ArticlePage.objects.count(), 1)
        self.assertEqual(article.revisions.count(), revisions)

    def test_section_option_and_json_output(self):
        out = io.StringIO()
        call_command(
            "import_content",
            "html",
            str(self.folder / "bridge.html"),
            "--section",
            "Archive",
            "--format",
            "json",
            "--no-progress",
            "--commit",
            stdout=out,
        )
        pages = json.loads(out.getvalue())
        self.assertEqual(len(pages), 1)
        self.assertEqual(pages[0]["headline"], "Bridge reopens after repairs")
        self.assertEqual(pages[0]["authors"], ["Ada Lovelace", "Alan Turing"])
        self.assertEqual(pages[0]["published"], "2023-05-06T07:30:00+01:00")
        self.assertIn("old stone bridge", pages[0]["body_text"])
        self.assertEqual(ArticlePage.objects.get().get_parent().title, "Archive")


class ReferenceCaptureTests(TestCase):
    """Importing the reference page's text capture gives the demo's reference article.

    The expected article is the importers' own copy of it (`REFERENCE_ARTICLE`): importers and the
    demo are independent apps, so this test does not read the demo's content.
    """

    @classmethod
    def setUpClass(cls):
        # Before the class's transaction opens: a skip raised inside setUpTestData would leave it open.
        require(REFERENCE_CAPTURE.is_file(), f"seed file absent: {REFERENCE_CAPTURE}")
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        home_page()
        cls.reference = json.loads(REFERENCE_ARTICLE.read_text(encoding="utf-8"))

    def test_capture_matches_the_demo_article(self):
        folder = Path(tempfile.mkdtemp(prefix="dateline-capture-"))
        capture = folder / "reference-article.txt"
        capture.write_bytes(REFERENCE_CAPTURE.read_bytes())
        extracted = capture_extract(capture.read_text(encoding="utf-8"))
        self.assertEqual(extracted.headline, self.reference["headline"])

        html_import(source=capture, commit=True)
        article = ArticlePage.objects.get()
        self.assertEqual(article.title, self.reference["headline"])
        self.assertEqual(article.slug, self.reference["slug"])
        self.assertEqual(
            [s.slug for s in selectors.article_sections(article=article)],
            [self.reference["section"], *self.reference["extra_sections"]],
        )
        self.assertEqual(
            [s.title for s in selectors.article_sections(article=article)],
            ["China News", "Russia News"],
        )
        zone = zoneinfo.ZoneInfo("UTC")
        self.assertEqual(article.published_at.astimezone(zone).date(), dt.date(2022, 12, 9))
        body = [{"type": b.block_type, "value": b.value.source} for b in article.body]
        self.assertEqual(body, body_blocks(self.reference["body"]))
        self.assertEqual(len(body), 8)
