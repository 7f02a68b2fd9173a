"""What every source gets from the import pipeline, tried on both: reserved slugs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.test import TestCase, override_settings

from dateline.core.routing import reserved_slugs
from dateline.importers.html import html_import
from dateline.importers.tests.fixtures import ARTICLE_HTML, item, write, wxr
from dateline.importers.wordpress import wordpress_import
from dateline.newsroom.factories import home_page
from dateline.newsroom.models import ArticlePage, SectionPage

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dateline-pipeline-test-media-"))
ON_THIS_DAY = '"articleSection": ["On this day"]'


def on_this_day_page() -> str:
    """Return the test article page, filed in a section called "On this day"."""
    page = ARTICLE_HTML.replace('"articleSection": ["Transport", "Local"]', ON_THIS_DAY)
    assert ON_THIS_DAY in page
    return page


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class ReservedSlugTests(TestCase):
    """A section never takes a slug the site routes elsewhere: /on-this-day/ is the almanac's."""

    @classmethod
    def setUpTestData(cls):
        home_page()

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def assert_served_elsewhere(self, section: SectionPage) -> None:
        self.assertIn("on-this-day", reserved_slugs())
        self.assertEqual(section.title, "On this day")
        self.assertNotEqual(section.slug, "on-this-day")
        self.assertNotIn(section.slug, reserved_slugs())
        self.assertFalse(SectionPage.objects.filter(slug="on-this-day").exists())
        article = ArticlePage.objects.get()
        self.assertEqual(article.get_parent().pk, section.pk)
        self.assertEqual(self.client.get(article.url).status_code, 200)

    def test_wordpress_category(self):
        export = wxr(
            item(post_id=1, title="Moon landing", categories=(("on-this-day", "On this day"),))
        )
        report = wordpress_import(path=write(self.folder, "export.xml", export), commit=True)
        self.assertEqual(report.counts["post"]["create"], 1)
        self.assert_served_elsewhere(SectionPage.objects.get(title="On this day"))

    def test_saved_page_section(self):
        report = html_import(
            source=write(self.folder, "page.html", on_this_day_page()), commit=True
        )
        self.assertEqual(report.counts["article"]["create"], 1)
        self.assert_served_elsewhere(SectionPage.objects.get(title="On this day"))
