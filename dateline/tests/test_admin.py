"""The editor's admin screens for site settings and newsroom content render and save."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase

from dateline.core.models import SiteSettings
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page


class AdminScreensTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.section = SectionPageFactory(parent=cls.home, title="Local", slug="local")
        cls.article = ArticlePageFactory(parent=cls.section)
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
        cls.site = Site.objects.get(is_default_site=True)

    def setUp(self):
        self.client.force_login(self.editor)

    def settings_url(self):
        return reverse("wagtailsettings:edit", args=("core", "sitesettings", self.site.pk))

    def test_screens_render(self):
        urls = [
            reverse("wagtailadmin_home"),
            self.settings_url(),
            reverse("wagtailadmin_pages:edit", args=(self.article.pk,)),
            reverse("wagtailadmin_pages:edit", args=(self.home.pk,)),
            reverse("wagtailsnippets_newsroom_author:list"),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_settings_form_offers_every_time_zone_and_saves(self):
        html = self.client.get(self.settings_url()).content.decode()
        self.assertIn('<option value="Pacific/Kiritimati"', html)
        data = {
            "site_name": "Averley Evening News",
            "tagline": "",
            "about_blurb": "We cover the valley.",
            "about_page": "",
            "time_zone": "Asia/Shanghai",
            "dateline_format": "F j, Y",
            "dateline_uppercase": "on",
        }
        response = self.client.post(self.settings_url(), data)
        self.assertEqual(response.status_code, 302)
        saved = SiteSettings.for_site(self.site)
        self.assertEqual(
            (saved.site_name, saved.time_zone), ("Averley Evening News", "Asia/Shanghai")
        )

    def test_unknown_time_zone_is_refused(self):
        data = {"site_name": "X", "time_zone": "Mars/Olympus_Mons", "dateline_format": "F j, Y"}
        response = self.client.post(self.settings_url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(SiteSettings.for_site(self.site).time_zone, "UTC")
