"""The demo's site answers where `dateline demo` serves, so its links and sitemaps point there."""

from __future__ import annotations

from django.test import TestCase
from lxml import etree
from wagtail.models import Site

from dateline.demo.loader import demo_load


class DemoSiteAddressTests(TestCase):
    def test_canonical_urls_sitemaps_and_robots_name_the_served_address(self):
        demo_load(site_host="127.0.0.1", site_port=8123)
        site = Site.objects.get(is_default_site=True)
        self.assertEqual((site.hostname, site.port), ("127.0.0.1", 8123))
        host = {"HTTP_HOST": "127.0.0.1:8123"}
        robots = self.client.get("/robots.txt", **host).content.decode()
        self.assertIn("Sitemap: http://127.0.0.1:8123/sitemap.xml", robots)
        index = etree.fromstring(self.client.get("/sitemap.xml", **host).content)
        locations = [loc.text for loc in index.iter("{*}loc")]
        self.assertTrue(locations)
        self.assertTrue(all(loc.startswith("http://127.0.0.1:8123/") for loc in locations))
        home = self.client.get("/", **host).content.decode()
        self.assertIn('<link rel="canonical" href="http://127.0.0.1:8123/"', home)
        # A second start on another port moves the site with it.
        demo_load(site_host="127.0.0.1", site_port=8124)
        self.assertEqual(Site.objects.get(is_default_site=True).port, 8124)
