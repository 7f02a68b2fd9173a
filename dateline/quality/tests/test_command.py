"""`dateline check`: site-wide content, exit codes, the JSON report, and --text on a passage."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Site

from dateline.almanac.selectors import OnThisDayEntry
from dateline.core.models import SiteSettings
from dateline.core.testing import require
from dateline.newsroom.factories import (
    ArticlePageFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.pages.models import StandardPage
from dateline.quality.models import CheckSetting, QualitySettings
from dateline.quality.selectors import site_findings
from dateline.quality.tests.helpers import REFERENCE_ABOUT_US, REFERENCE_PAGE

STORY = (
    "Chinese Foreign Minister Wang Yi has reaffirmed his country's commitment to bolstering "
    "strategic cooperation with Russia, emphasizing the importance of strengthening diplomatic "
    "ties amidst global efforts to promote multipolarity, officials in Beijing said."
)


def run_check(*args: str) -> tuple[int, str]:
    """Run `quality_check` and return (exit status, output)."""
    out = io.StringIO()
    try:
        call_command("quality_check", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue()
    return 0, out.getvalue()


class SiteCheckTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.site = Site.objects.get(is_default_site=True)
        cls.section = SectionPageFactory(parent=cls.home, title="Russia News", slug="russia-news")
        cls.story = ArticlePageFactory(
            parent=cls.section, title="Wang reaffirms ties", slug="wang", body=paragraphs(STORY)
        )
        # Publishing profiles the story for the related-news engine, which finds duplicates.
        cls.story.save_revision().publish()
        SiteSettings.objects.update_or_create(
            site=cls.site, defaults={"about_blurb": "The Courier is Millbrook's newspaper."}
        )

    def test_clean_site_exits_zero_and_json_parses(self):
        status, output = run_check("--format", "json")
        self.assertEqual(status, 0, output)
        report = json.loads(output)
        self.assertEqual(report["summary"]["error"], 0)
        self.assertIsInstance(report["findings"], list)

    def test_filler_about_us_blurb_is_an_error_with_exit_one(self):
        SiteSettings.objects.filter(site=self.site).update(about_blurb=REFERENCE_ABOUT_US)
        status, output = run_check("--format", "json")
        self.assertEqual(status, 1)
        report = json.loads(output)
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        self.assertEqual(
            [(f["code"], f["where"]) for f in errors],
            [("filler-text", "Site settings: About Us blurb")],
        )
        self.assertEqual(report["summary"]["error"], 1)
        status, text = run_check()
        self.assertEqual(status, 1)
        self.assertIn("ERROR   filler-text [Site settings: About Us blurb]", text)
        self.assertIn("Quality check: 1 error", text)

    def test_duplicate_story_and_broken_link_and_standard_page(self):
        ArticlePageFactory(
            parent=self.section, title="Wang again", slug="wang-2", body=paragraphs(STORY)
        ).save_revision().publish()
        about = StandardPage(
            title="About Us",
            slug="about",
            body=json.dumps(
                [
                    {
                        "type": "paragraph",
                        "value": '<p>See <a linktype="page" id="99999">our desk</a>. TKTK</p>',
                    }
                ]
            ),
        )
        self.home.add_child(instance=about)
        report = json.loads(run_check("--format", "json")[1])
        found = {(f["code"], f["subject"]) for f in report["findings"]}
        self.assertIn(("duplicate-story", "Article “Wang again”"), found)
        self.assertIn(("broken-internal-link", "Standard page “About Us”"), found)
        self.assertIn(("placeholder-token", "Standard page “About Us”"), found)

    def test_on_this_day_entry_on_the_wrong_day_is_reported(self):
        class DatedEntry(OnThisDayEntry):
            pass

        def fake(*, day, zone, request=None):
            entry = DatedEntry(year=1983, text="A ban was lifted.", url=None, source="almanac")
            object.__setattr__(entry, "date", dt.date(1983, 5, 20))
            return entry if (day.month, day.day) != (5, 20) else None

        # An almanac that shows the 20 May entry on other days (the reader is an argument).
        codes = [finding.code for finding in site_findings(entry_for=fake)]
        self.assertIn("on-this-day-date", codes)

    def test_site_settings_switch_a_check_off_and_change_severity(self):
        SiteSettings.objects.filter(site=self.site).update(about_blurb=REFERENCE_ABOUT_US)
        settings = QualitySettings.for_site(self.site)
        CheckSetting.objects.create(settings=settings, code="filler-text", severity="warning")
        status, output = run_check("--format", "json")
        self.assertEqual(status, 0)
        severities = {f["code"]: f["severity"] for f in json.loads(output)["findings"]}
        self.assertEqual(severities["filler-text"], "warning")
        CheckSetting.objects.filter(code="filler-text").update(enabled=False)
        codes = [f["code"] for f in json.loads(run_check("--format", "json")[1])["findings"]]
        self.assertNotIn("filler-text", codes)


class TextCheckTests(TestCase):
    def write(self, text: str) -> str:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "passage.txt"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def test_text_with_an_error(self):
        path = self.write(f"{STORY}\n\nThe minister said {{{{ quote }}}} on arrival.")
        status, output = run_check("--text", path, "--format", "json")
        self.assertEqual(status, 1)
        self.assertEqual([f["code"] for f in json.loads(output)["findings"]], ["template-token"])

    def test_clean_text_and_warnings_exit_zero(self):
        path = self.write(f"{STORY}\n\nThey met on Tuesday.")
        status, output = run_check("--text", path, "--published", "2024-04-08", "--format", "json")
        self.assertEqual(status, 0)
        self.assertEqual(
            [f["code"] for f in json.loads(output)["findings"]], ["date-weekday-mismatch"]
        )
        status, output = run_check("--text", path)
        self.assertEqual(status, 0)
        self.assertIn("no problems found", output)

    def test_reference_page_text(self):
        require(REFERENCE_PAGE.exists(), f"reference page not found at {REFERENCE_PAGE}")
        path = str(REFERENCE_PAGE)
        status, output = run_check(
            "--text", path, "--page-text", "--on-this-day-date", "1983-05-20", "--format", "json"
        )
        self.assertEqual(status, 1)
        findings = json.loads(output)["findings"]
        errors = sorted((f["code"], f["subject"]) for f in findings if f["severity"] == "error")
        self.assertEqual(
            errors, [("filler-text", "About Us blurb"), ("on-this-day-date", "On this day")]
        )

    def test_missing_file_is_a_clear_error(self):
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            call_command("quality_check", "--text", "/nonexistent/file.txt", stdout=io.StringIO())
