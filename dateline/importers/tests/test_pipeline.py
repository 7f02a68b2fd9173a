"""What every source gets from the import pipeline, tried on both: reserved slugs, quality problems."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

from dateline.core.publishing import PublishProblem, PublishRequest
from dateline.core.routing import reserved_slugs
from dateline.core.testing import publish_guards_only
from dateline.importers.html import html_import
from dateline.importers.tests.fixtures import ARTICLE_HTML, ImportTestCase, item, write, wxr
from dateline.importers.wordpress import wordpress_import
from dateline.newsroom.models import ArticlePage, SectionPage

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dateline-pipeline-test-media-"))
ON_THIS_DAY = '"articleSection": ["On this day"]'


def on_this_day_page() -> str:
    """Return the test article page, filed in a section called "On this day"."""
    page = ARTICLE_HTML.replace('"articleSection": ["Transport", "Local"]', ON_THIS_DAY)
    assert ON_THIS_DAY in page
    return page


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class ReservedSlugTests(ImportTestCase):
    """A section never takes a slug the site routes elsewhere: /on-this-day/ is the almanac's."""

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


GUARD = "importers-test-placeholder"
PLACEHOLDER = PublishProblem(code="placeholder", message="the story still says TK")


def placeholder_guard(request: PublishRequest) -> list[PublishProblem]:
    """Find the reporter's "TK" (to come) left in a story's body, as a quality guard would."""
    body = getattr(request.page, "body", None)
    text = json.dumps(body.get_prep_value()) if body is not None else ""
    return [PLACEHOLDER] if "TK" in text else []


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class QualityProblemTests(ImportTestCase):
    """Imports publish despite the publish guards' problems, and their report names each one."""

    def setUp(self):
        super().setUp()
        # Only this test's guard, so the counts are its own (not the quality policy's as well).
        self.enterContext(publish_guards_only(**{GUARD: placeholder_guard}))

    def test_wordpress_post_is_published_and_reported(self):
        export = wxr(
            item(post_id=1, title="Clean story", content="<p>All checked.</p>"),
            item(post_id=2, title="Mayor speaks", content="<p>The mayor said TK.</p>"),
        )
        report = wordpress_import(path=write(self.folder, "export.xml", export), commit=True)
        self.assertTrue(ArticlePage.objects.get(title="Mayor speaks").live)
        self.assertTrue(ArticlePage.objects.get(title="Clean story").live)
        self.assertEqual(report.counts["quality"]["errors"], 1)
        [note] = [note for note in report.notes if "TK" in note]
        self.assertIn("post 2 'Mayor speaks'", note)
        self.assertIn("the story still says TK", note)
        problems = {entry["id"]: entry["problems"] for entry in report.items}
        self.assertEqual(
            problems["2"], [{"code": "placeholder", "message": "the story still says TK"}]
        )
        self.assertEqual(problems["1"], [])
        self.assertIn("quality", report.table())

    def test_saved_page_is_published_and_reported(self):
        page = ARTICLE_HTML.replace("eighteen tonnes", "TK tonnes")
        path = write(self.folder, "bridge.html", page)
        dry_run = html_import(source=path, commit=False)
        self.assertEqual(dry_run.counts["quality"]["errors"], 1)
        self.assertTrue(any(str(path) in note and "says TK" in note for note in dry_run.notes))
        out = io.StringIO()
        call_command(
            "import_content",
            "html",
            str(path),
            "--format",
            "json",
            "--no-progress",
            "--commit",
            stdout=out,
        )
        [entry] = json.loads(out.getvalue())
        self.assertEqual(entry["action"], "create")
        self.assertEqual(
            entry["problems"], [{"code": "placeholder", "message": "the story still says TK"}]
        )
        self.assertTrue(ArticlePage.objects.get(title="Bridge reopens after repairs").live)
        report = html_import(source=path, commit=True)
        self.assertEqual(report.counts["article"]["skip"], 1)
        self.assertNotIn("quality", report.counts)
