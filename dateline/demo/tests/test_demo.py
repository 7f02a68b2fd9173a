"""The demo loader: the content the issue asks for, loaded idempotently through the services."""

from __future__ import annotations

import datetime as dt
import json

import extruct
import lxml.html
from django.conf import settings
from django.test import TestCase
from PIL import Image
from wagtail.models import Site

from dateline.core.models import SiteSettings
from dateline.corrections.models import Correction
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

    def test_a_story_with_a_correction_and_one_with_a_clarification(self):
        self.assertEqual(self.first.notes_created, 2)
        notes = {note.kind: note for note in Correction.objects.select_related("article")}
        self.assertEqual(set(notes), {"correction", "clarification"})
        for note in notes.values():
            self.assertGreater(note.made_at, note.article.published_at)
            tree = lxml.html.fromstring(self.client.get(note.article.url).content)
            (shown,) = tree.xpath(f"//*[@id='{note.anchor}']")
            self.assertIn(note.text, shown.text_content())
            self.assertEqual(len(tree.xpath("//p[@class='updated']")), 1)
        self.assertEqual(demo_load().notes_created, 0)
        self.assertEqual(Correction.objects.count(), 2)
        # The site's corrections policy is a page of its own, named in the structured data.
        policy = SiteSettings.for_site(
            Site.objects.get(is_default_site=True)
        ).corrections_policy_page
        self.assertTrue(policy.live)
        html = self.client.get(notes["correction"].article.url).content.decode()
        data = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
        news = next(item for item in data if item.get("@type") == "NewsArticle")
        self.assertEqual(news["publisher"]["correctionsPolicy"], policy.get_full_url())

    def test_editor_changes_survive_a_rerun(self):
        site = Site.objects.get(is_default_site=True)
        settings = SiteSettings.for_site(site)
        settings.site_name = "Averley Evening News"
        settings.save()
        demo_load()
        self.assertEqual(SiteSettings.for_site(site).site_name, "Averley Evening News")

    def test_breaking_news_banner_is_ready_for_an_editor_to_switch_on(self):
        from dateline.breaking.selectors import breaking_news_of
        from dateline.breaking.services import breaking_news_update

        site = Site.objects.get(is_default_site=True)
        banner = breaking_news_of(site=site)
        self.assertEqual((banner.show, banner.severity), (False, "alert"))
        self.assertTrue(banner.text)
        self.assertEqual(banner.link_page.specific.get_parent().slug, "local")
        self.assertNotIn('class="breaking', self.client.get("/").content.decode())
        breaking_news_update(site=site, show=True)
        self.assertIn(banner.text, self.client.get("/").content.decode())
        # A re-run keeps what the editor did with it.
        demo_load()
        self.assertTrue(breaking_news_of(site=site).show)

    def test_editor_account_is_created_once(self):
        user, created = demo_editor_ensure(username="editor", password="pw-demo-123")
        self.assertTrue(created and user.is_superuser)
        _, again = demo_editor_ensure(username="editor", password="other")
        self.assertFalse(again)


class DemoPicturesTests(TestCase):
    """The demo's pictures as readers and machines see them (issue #15)."""

    @classmethod
    def setUpTestData(cls):
        demo_load()

    def test_lead_images_with_alt_caption_and_credit(self):
        pictured = ArticlePage.objects.exclude(lead_image=None).select_related("lead_image")
        self.assertGreaterEqual(pictured.count(), 40)
        for article in pictured:
            with self.subTest(article=article.slug):
                self.assertTrue(article.lead_image.default_alt_text)
                self.assertTrue(article.lead_image_caption)
                self.assertTrue(article.lead_image_credit)
                self.assertGreaterEqual(
                    min(article.lead_image.width, article.lead_image.height), 1200
                )
                self.assertIsNotNone(article.lead_image.get_focal_point())

    def test_some_bodies_hold_images_with_alt_caption_and_credit(self):
        images = [
            block.value
            for article in ArticlePage.objects.all()
            for block in article.body
            if block.block_type == "image"
        ]
        self.assertGreaterEqual(len(images), 5)
        for value in images:
            self.assertTrue(value["alt_text"] and value["caption"] and value["credit"])

    def test_home_page_shows_each_story_once_with_its_picture(self):
        tree = lxml.html.fromstring(self.client.get("/").content)
        cards = tree.cssselect("main article.card")
        links = [card.cssselect(".card__headline a")[0].get("href") for card in cards]
        self.assertGreater(len(links), 20)
        self.assertEqual(len(links), len(set(links)), "a story appears in more than one card")
        main_links = [a.get("href") for a in tree.cssselect("main a") if "/" in a.get("href", "")]
        for link in links:
            self.assertEqual(main_links.count(link), 1, link)
        for card in cards:
            images = card.cssselect("img")
            self.assertEqual(len(images), 1, "every story on the home page shows one image")
            image = images[0]
            for attribute in ("width", "height", "alt", "srcset", "sizes"):
                self.assertTrue(image.get(attribute), attribute)
            self.assertTrue(card.cssselect("picture source[type='image/webp']"))
        lazy = [card.cssselect("img")[0].get("loading") for card in cards]
        self.assertNotEqual(lazy[0], "lazy", "the lead story's picture is not lazy")
        self.assertEqual(cards[0].cssselect("img")[0].get("fetchpriority"), "high")
        self.assertTrue(all(value == "lazy" for value in lazy[1:]))

    def test_article_picture_og_image_and_json_ld(self):
        article = ArticlePage.objects.get(slug=REFERENCE_SLUG)
        html = self.client.get(article.url).content
        tree = lxml.html.fromstring(html)
        lead = tree.cssselect(".lead-image img")[0]
        self.assertEqual(lead.get("fetchpriority"), "high")
        self.assertIsNone(lead.get("loading"))
        self.assertTrue(lead.get("width") and lead.get("height"))

        def meta(attribute: str, name: str) -> str:
            return tree.cssselect(f'meta[{attribute}="{name}"]')[0].get("content")

        self.assertEqual(meta("property", "og:image:width"), "1200")
        self.assertTrue(meta("property", "og:image").startswith("http"))
        self.assertEqual(meta("name", "twitter:card"), "summary_large_image")
        data = extruct.extract(html.decode(), syntaxes=["json-ld"])["json-ld"]
        news = next(item for item in data if item.get("@type") == "NewsArticle")
        self.assertEqual(len(news["image"]), 3)
        ratios = set()
        for url in news["image"]:
            path = url.split("://", 1)[1].split("/", 1)[1]
            with Image.open(settings.MEDIA_ROOT / path.removeprefix("media/")) as picture:
                self.assertGreaterEqual(picture.width, 1200)
                ratios.add(round(picture.width / picture.height, 2))
        self.assertEqual(ratios, {1.78, 1.33, 1.0})
        logo = news["publisher"]["logo"]
        self.assertTrue(logo["url"].endswith(".png"), logo)
        self.assertLessEqual(logo["width"], 600)
        self.assertLessEqual(logo["height"], 60)

    def test_authors_without_a_photo_show_initials(self):
        tree = lxml.html.fromstring(self.client.get("/authors/mei-lin/").content)
        self.assertEqual(tree.cssselect(".author-initials")[0].text_content(), "ML")
