"""Sitemap index, article and pages sitemaps, Google News sitemap and robots.txt, validated against
compact XML schemas of the sitemap 0.9 and Google News namespaces (tests/schemas/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xmlschema
from defusedxml import ElementTree
from django.test import override_settings
from wagtail.test.utils import WagtailPageTestCase

from dateline.distribution.sitemaps import NEWS_NS, SITEMAP_NS
from dateline.distribution.tests.fixtures import HOSTILE_HEADLINE, NewsroomData
from dateline.newsroom.factories import ArticlePageFactory
from dateline.newsroom.models import ArticlePage

SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP_SCHEMA = xmlschema.XMLSchema(
    str(SCHEMAS / "sitemap.xsd"), locations=[(NEWS_NS, str(SCHEMAS / "sitemap-news.xsd"))]
)
NS = {"s": SITEMAP_NS, "news": NEWS_NS}


class SitemapTests(NewsroomData, WagtailPageTestCase):
    def fetch(self, url: str) -> bytes:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response["Content-Type"], "application/xml; charset=utf-8")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        SITEMAP_SCHEMA.validate(body.decode())
        return body

    def locations(self, body: bytes, element: str = "url") -> list[str]:
        root = ElementTree.fromstring(body)
        return [node.findtext("s:loc", namespaces=NS) for node in root.findall(f"s:{element}", NS)]

    def every_sitemap(self) -> dict[str, bytes]:
        index = self.fetch("/sitemap.xml")
        bodies = {"/sitemap.xml": index}
        for loc in self.locations(index, "sitemap"):
            path = loc.removeprefix("http://localhost")
            bodies[path] = self.fetch(path)
        return bodies

    def test_every_sitemap_validates_and_hidden_articles_appear_nowhere(self):
        bodies = self.every_sitemap()
        self.assertIn("/sitemaps/news.xml", bodies)
        self.assertIn("/sitemaps/pages.xml", bodies)
        everything = b"".join(bodies.values()).decode()
        for slug in self.hidden_slugs:
            self.assertNotIn(slug, everything)

    def test_article_sitemaps_list_each_live_article_once_with_its_last_change(self):
        corrected = self.now - dt.timedelta(days=1)
        ArticlePage.objects.filter(pk=self.older[0].pk).update(updated_at=corrected)
        bodies = self.every_sitemap()
        urls: dict[str, str] = {}
        for path, body in bodies.items():
            if path.startswith("/sitemaps/articles-"):
                root = ElementTree.fromstring(body)
                for node in root.findall("s:url", NS):
                    loc = node.findtext("s:loc", namespaces=NS)
                    self.assertNotIn(loc, urls)
                    urls[loc] = node.findtext("s:lastmod", namespaces=NS)
        expected = {a.get_full_url(): a for a in ArticlePage.objects.live().order_by("pk")}
        self.assertEqual(len(expected), len(self.live_articles))
        self.assertEqual(set(urls), set(expected))
        for loc, article in expected.items():
            changed = article.updated_at or article.last_published_at or article.published_at
            self.assertEqual(dt.datetime.fromisoformat(urls[loc]), changed.replace(microsecond=0))
        self.assertEqual(
            urls[self.older[0].get_full_url()], corrected.replace(microsecond=0).isoformat()
        )

    @override_settings(DATELINE_SITEMAP_SIZE=2)
    def test_article_sitemaps_are_paginated_by_id_and_never_exceed_the_size(self):
        for n in range(5):
            ArticlePageFactory(parent=self.world, title=f"Extra {n}", slug=f"extra-{n}")
        bodies = self.every_sitemap()
        pages = [p for p in bodies if p.startswith("/sitemaps/articles-")]
        self.assertGreaterEqual(len(pages), 3)
        total = 0
        for path in pages:
            count = len(self.locations(bodies[path]))
            self.assertTrue(1 <= count <= 2, (path, count))
            total += count
        self.assertEqual(total, 4 + 5)
        index = ElementTree.fromstring(bodies["/sitemap.xml"])
        for node in index.findall("s:sitemap", NS):
            if "articles-" in node.findtext("s:loc", namespaces=NS):
                self.assertTrue(node.findtext("s:lastmod", namespaces=NS))

    def test_empty_or_malformed_article_sitemaps_are_not_found(self):
        self.assertEqual(self.client.get("/sitemaps/articles-999999.xml").status_code, 404)
        self.assertEqual(self.client.get("/sitemaps/articles-x.xml").status_code, 404)

    def test_an_article_sitemap_number_past_any_id_is_not_found_not_an_overflow(self):
        # Found by dateline/tests/test_fuzz_public.py: SQLite's integers end at 2**63.
        huge = "99999999999999999999999"
        self.assertEqual(self.client.get(f"/sitemaps/articles-{huge}.xml").status_code, 404)
        self.assertEqual(self.client.get(f"/sitemaps/articles-{2**31}.xml").status_code, 404)

    def test_article_sitemaps_stream(self):
        response = self.client.get("/sitemaps/articles-0.xml")
        self.assertTrue(response.streaming)
        b"".join(response.streaming_content)

    def test_pages_sitemap_lists_sections_authors_and_only_substantial_tags(self):
        locations = self.locations(self.fetch("/sitemaps/pages.xml"))
        self.assertIn("http://localhost/", locations)
        self.assertIn("http://localhost/world/", locations)
        self.assertIn("http://localhost/empty-desk/", locations)
        self.assertIn("http://localhost/authors/wang-xiaoming/", locations)
        self.assertIn("http://localhost/tags/harbour/", locations)  # four stories
        self.assertNotIn("http://localhost/tags/lonely/", locations)  # one story: thin, noindex

    def test_news_sitemap_has_only_the_last_two_days_with_publication_and_title(self):
        body = self.fetch("/sitemaps/news.xml")
        root = ElementTree.fromstring(body)
        (url,) = root.findall("s:url", NS)
        self.assertEqual(url.findtext("s:loc", namespaces=NS), self.hostile.get_full_url())
        news = url.find("news:news", NS)
        self.assertEqual(news.findtext("news:title", namespaces=NS), HOSTILE_HEADLINE)
        self.assertEqual(
            news.findtext("news:publication/news:name", namespaces=NS), "The Test Courier"
        )
        self.assertEqual(news.findtext("news:publication/news:language", namespaces=NS), "en")
        published = dt.datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
        self.assertEqual(published, self.hostile.published_at.replace(microsecond=0))

    @override_settings(DATELINE_NEWS_SITEMAP_LIMIT=2)
    def test_news_sitemap_is_capped(self):
        for n in range(3):
            ArticlePageFactory(
                parent=self.world,
                slug=f"fresh-{n}",
                published_at=self.now - dt.timedelta(minutes=n + 1),
            )
        self.assertEqual(len(self.locations(self.fetch("/sitemaps/news.xml"))), 2)

    def test_robots_txt_names_the_sitemaps(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        lines = response.content.decode().splitlines()
        sitemaps = [line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap: ")]
        self.assertEqual(
            sitemaps, ["http://localhost/sitemap.xml", "http://localhost/sitemaps/news.xml"]
        )
        for url in sitemaps:
            self.fetch(url.removeprefix("http://localhost"))

    def test_a_sitemap_with_a_bad_url_fails_the_schema(self):
        # The schema is able to fail: a relative <loc> is rejected.
        bad = f'<urlset xmlns="{SITEMAP_NS}"><url><loc>/relative/</loc></url></urlset>'
        self.assertFalse(SITEMAP_SCHEMA.is_valid(bad))
