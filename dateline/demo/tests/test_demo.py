"""The demo loader: the content the issue asks for, loaded idempotently through the services."""

from __future__ import annotations

import datetime as dt
import json

from django.test import TestCase
from wagtail.models import Site

from dateline.core.models import SiteSettings
from dateline.demo.loader import CONTENT_DIR, REFERENCE_SLUG, demo_editor_ensure, demo_load
from dateline.newsroom.models import ArticlePage, SectionPage

FILLER_MARKERS = ["lorem", "ipsum", "filler text", "your text here", "TKTK", "[INSERT", "{{", "{%"]


class DemoContentFileTests(TestCase):
    """Checks on the shipped content itself (no database needed)."""

    def setUp(self):
        self.content = json.loads((CONTENT_DIR / "articles.json").read_text(encoding="utf-8"))

    def test_enough_articles_sections_and_years(self):
        articles = self.content["articles"]
        self.assertGreaterEqual(len(articles), 40)
        self.assertGreaterEqual(len({a["section"] for a in articles}), 5)
        years = {dt.datetime.fromisoformat(a["published"]).year for a in articles}
        self.assertGreaterEqual(len(years), 4)

    def test_several_share_topics_with_the_reference(self):
        reference_tags = set(json.loads((CONTENT_DIR / "reference.json").read_text())["tags"])
        sharing = [a for a in self.content["articles"] if reference_tags & set(a["tags"])]
        self.assertGreaterEqual(len(sharing), 5)

    def test_no_filler_text(self):
        for name in ("articles.json", "site.json"):
            text = (CONTENT_DIR / name).read_text(encoding="utf-8").lower()
            for marker in FILLER_MARKERS:
                self.assertNotIn(marker.lower(), text, f"{marker!r} in {name}")


class DemoLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = demo_load()

    def test_reference_article_exactly_as_in_the_reference(self):
        article = ArticlePage.objects.get(slug=REFERENCE_SLUG)
        self.assertEqual(
            article.title, "China Reaffirms Strategic Cooperation with Russia Amid Global Shifts"
        )
        self.assertEqual(article.published_at, dt.datetime(2022, 12, 9, 8, tzinfo=dt.UTC))
        self.assertEqual(article.get_parent().title, "China News")
        self.assertEqual([s.title for s in article.additional_sections.all()], ["Russia News"])
        paragraphs = [block.value.source for block in article.body]
        self.assertEqual(len(paragraphs), 8)
        self.assertTrue(paragraphs[0].startswith("<p>Chinese Foreign Minister Wang Yi"))

    def test_site_identity_and_about_blurb(self):
        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        self.assertEqual(settings.site_name, "The Dateline Courier")
        self.assertTrue(settings.about_blurb)
        self.assertEqual(settings.about_page.slug, "about-us")

    def test_every_story_passes_the_publish_guards(self):
        # The demo publishes by its own path, which reports (never hides) what the guards find.
        self.assertEqual(self.first.problems, [])

    def test_second_run_changes_nothing(self):
        counts = (ArticlePage.objects.count(), SectionPage.objects.count())
        second = demo_load()
        self.assertEqual(second.articles_created, 0)
        self.assertEqual(second.articles_kept, self.first.articles_created)
        self.assertEqual((ArticlePage.objects.count(), SectionPage.objects.count()), counts)

    def test_editor_changes_survive_a_rerun(self):
        site = Site.objects.get(is_default_site=True)
        settings = SiteSettings.for_site(site)
        settings.site_name = "Averley Evening News"
        settings.save()
        demo_load()
        self.assertEqual(SiteSettings.for_site(site).site_name, "Averley Evening News")

    def test_editor_account_is_created_once(self):
        user, created = demo_editor_ensure(username="editor", password="pw-demo-123")
        self.assertTrue(created and user.is_superuser)
        _, again = demo_editor_ensure(username="editor", password="other")
        self.assertFalse(again)
