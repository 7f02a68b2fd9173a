"""RSS, Atom and JSON Feed: parsed with feedparser and checked against a JSON Feed 1.1 schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import jsonschema
from django.core.management import call_command
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from dateline.core.testing import clock_at
from dateline.distribution.models import DistributionSettings
from dateline.distribution.tests.fixtures import (
    HOSTILE_HEADLINE,
    NON_LATIN_NAME,
    SCHEDULED_SLUG,
    NewsroomData,
)

JSON_FEED_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "jsonfeed_1_1.json").read_text())

SCOPES = {
    "site": "/feeds/",
    "section": "/feeds/sections/world/",
    "empty section": "/feeds/sections/empty-desk/",
    "author": "/feeds/authors/wang-xiaoming/",
    "tag": "/feeds/tags/harbour/",
}


class FeedTests(NewsroomData, WagtailPageTestCase):
    def parse(self, url: str):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        parsed = feedparser.parse(response.content)
        self.assertEqual(parsed.bozo, 0, f"{url}: {parsed.get('bozo_exception')}")
        return response, parsed

    def json_feed(self, url: str) -> dict:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response["Content-Type"], "application/feed+json; charset=utf-8")
        document = json.loads(response.content)
        jsonschema.validate(document, JSON_FEED_SCHEMA)
        return document

    def test_every_scope_and_format_parses_without_errors(self):
        for name, prefix in SCOPES.items():
            with self.subTest(scope=name):
                _, rss = self.parse(prefix + "rss.xml")
                _, atom = self.parse(prefix + "atom.xml")
                document = self.json_feed(prefix + "feed.json")
                self.assertEqual(rss.version, "rss20")
                self.assertEqual(atom.version, "atom10")
                ids = [entry.id for entry in rss.entries]
                self.assertEqual(ids, [entry.id for entry in atom.entries])
                self.assertEqual(ids, [item["id"] for item in document["items"]])
                if name == "empty section":
                    self.assertEqual(ids, [])
                else:
                    self.assertTrue(ids)

    def test_a_nul_in_a_feeds_slug_is_not_found_on_every_database(self):
        # Found by dateline/tests/test_fuzz_public.py on PostgreSQL, which refuses NUL in a query.
        for scope in ("sections", "authors", "tags"):
            for name in ("rss.xml", "atom.xml", "feed.json"):
                url = f"/feeds/{scope}/a%00b/{name}"
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_site_feed_lists_live_articles_newest_first_and_nothing_else(self):
        _, rss = self.parse("/feeds/rss.xml")
        links = [entry.link for entry in rss.entries]
        expected = [article.get_full_url() for article in self.live_articles]
        self.assertEqual(links, expected)
        for slug in self.hidden_slugs:
            self.assertFalse(any(slug in link for link in links), slug)

    def test_hostile_headline_and_non_latin_author_survive_every_format(self):
        _, rss = self.parse("/feeds/rss.xml")
        _, atom = self.parse("/feeds/atom.xml")
        document = self.json_feed("/feeds/feed.json")
        self.assertEqual(rss.entries[0].title, HOSTILE_HEADLINE)
        self.assertEqual(atom.entries[0].title, HOSTILE_HEADLINE)
        self.assertEqual(document["items"][0]["title"], HOSTILE_HEADLINE)
        self.assertEqual(
            [author.name for author in atom.entries[0].authors], [NON_LATIN_NAME, "Kim Lee"]
        )
        self.assertEqual(document["items"][0]["authors"][0]["name"], NON_LATIN_NAME)

    def test_dates_carry_time_zones_and_match_the_article(self):
        _, rss = self.parse("/feeds/rss.xml")
        _, atom = self.parse("/feeds/atom.xml")
        document = self.json_feed("/feeds/feed.json")
        published = self.hostile.published_at.replace(microsecond=0)
        self.assertEqual(rss.entries[0].published_parsed[:6], published.utctimetuple()[:6])
        self.assertEqual(atom.entries[0].published_parsed[:6], published.utctimetuple()[:6])
        parsed = dt.datetime.fromisoformat(document["items"][0]["date_published"])
        self.assertIsNotNone(parsed.tzinfo)
        self.assertEqual(parsed, published)
        self.assertTrue(atom.entries[0].updated_parsed)

    def test_lead_image_is_an_enclosure_and_media_content(self):
        _, rss = self.parse("/feeds/rss.xml")
        _, atom = self.parse("/feeds/atom.xml")
        document = self.json_feed("/feeds/feed.json")
        entry = rss.entries[0]
        (enclosure,) = entry.enclosures
        self.assertTrue(enclosure.href.startswith("http://localhost/media/"))
        self.assertEqual(int(enclosure.length), self.lead.file.size)
        self.assertTrue(enclosure.type.startswith("image/"))
        self.assertEqual(entry.media_content[0]["url"], enclosure.href)
        self.assertEqual(atom.entries[0].enclosures[0].href, enclosure.href)
        self.assertEqual(document["items"][0]["image"], enclosure.href)
        self.assertEqual(
            document["items"][0]["attachments"][0]["size_in_bytes"], self.lead.file.size
        )

    def test_ids_survive_a_headline_and_slug_change(self):
        _, before = self.parse("/feeds/atom.xml")
        article = self.older[0]
        article.title = "A corrected headline"
        article.slug = "corrected-headline"
        article.save_revision().publish()
        _, after = self.parse("/feeds/atom.xml")
        self.assertEqual([e.id for e in before.entries], [e.id for e in after.entries])
        self.assertIn("A corrected headline", [e.title for e in after.entries])
        self.assertTrue(all(e.id.startswith("tag:localhost,") for e in after.entries))

    def test_full_text_or_summary_follows_the_site_setting(self):
        _, full = self.parse("/feeds/rss.xml")
        self.assertIn("Second paragraph.", full.entries[0].content[0].value)
        # A summary is HTML (Atom's type="html", RSS's description): the text comes escaped.
        self.assertEqual(full.entries[0].summary, "Cats &amp; mice met on Tuesday.")
        DistributionSettings.objects.filter(site=self.site).update(feed_full_text=False)
        _, summary = self.parse("/feeds/rss.xml")
        self.assertNotIn("content", summary.entries[0])
        document = self.json_feed("/feeds/feed.json")
        self.assertNotIn("content_html", document["items"][0])
        self.assertEqual(document["items"][0]["content_text"], "Cats & mice met on Tuesday.")

    def test_full_text_links_are_absolute(self):
        document = self.json_feed("/feeds/feed.json")
        html = document["items"][0]["content_html"]
        self.assertNotIn('src="/', html)
        self.assertNotIn('href="/', html)

    def test_unknown_scopes_are_not_found(self):
        for url in (
            "/feeds/sections/nope/rss.xml",
            "/feeds/authors/nope/atom.xml",
            "/feeds/tags/nope/feed.json",
            "/feeds/things/world/rss.xml",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_scheduled_article_appears_once_it_goes_live(self):
        _, before = self.parse("/feeds/rss.xml")
        self.assertFalse(any(SCHEDULED_SLUG in e.link for e in before.entries))
        later = timezone.now() + dt.timedelta(hours=2)
        with clock_at(later):
            call_command("publish_scheduled", verbosity=0)
        _, after = self.parse("/feeds/rss.xml")
        self.assertTrue(any(SCHEDULED_SLUG in e.link for e in after.entries))

    def test_feed_length_follows_the_site_setting(self):
        DistributionSettings.objects.filter(site=self.site).update(feed_length=2)
        _, rss = self.parse("/feeds/rss.xml")
        self.assertEqual(len(rss.entries), 2)
