"""Every response names a Content-Security-Policy and a Permissions-Policy; reader pages' is strict."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import override_settings
from wagtail.test.utils import WagtailPageTestCase

from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page


def directives(policy: str) -> dict[str, list[str]]:
    """Split a CSP header into its directives and their sources."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


class SecurityHeaderTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        section = SectionPageFactory(parent=home, title="World", slug="world")
        cls.article = ArticlePageFactory(parent=section, title="Harbour reopens")

    def test_reader_pages_allow_no_inline_or_foreign_script(self):
        for url in ("/", "/world/", self.article.url, "/search/?q=harbour", "/no-such-page/"):
            with self.subTest(url=url):
                policy = directives(self.client.get(url)["Content-Security-Policy"])
                self.assertEqual(policy["script-src"], ["'self'"])
                self.assertEqual(policy["object-src"], ["'none'"])
                self.assertEqual(policy["frame-ancestors"], ["'none'"])
                self.assertNotIn("'unsafe-inline'", sum(policy.values(), []))

    def test_a_cached_page_carries_the_headers_too(self):
        first = self.client.get(self.article.url)
        second = self.client.get(self.article.url)
        self.assertEqual(second["Content-Security-Policy"], first["Content-Security-Policy"])
        self.assertIn("camera=()", second["Permissions-Policy"])

    def test_the_admin_gets_its_own_policy(self):
        editor = get_user_model().objects.create_superuser("desk", "d@example.org", "pw")
        self.client.force_login(editor)
        policy = directives(self.client.get("/admin/")["Content-Security-Policy"])
        self.assertEqual(policy["frame-ancestors"], ["'self'"])
        self.assertNotIn("script-src", policy)

    @override_settings(DATELINE_CSP="", DATELINE_PERMISSIONS_POLICY="")
    def test_empty_settings_send_no_header(self):
        response = self.client.get("/world/")
        self.assertNotIn("Content-Security-Policy", response)
        self.assertNotIn("Permissions-Policy", response)
