"""Static publishing paths and the nginx front's generated configuration."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings

from dateline.cache.publishing import host_name, static_path


class StaticPathTests(SimpleTestCase):
    def test_pages_map_to_index_files_per_host_and_local_day(self):
        root = Path("/srv/published")
        self.assertEqual(
            static_path(root=root, host="news.example.org", local_date="2024-03-10", path="/a/b/"),
            root / "news.example.org" / "2024-03-10" / "a" / "b" / "index.html",
        )
        self.assertEqual(host_name("News.Example.org:8080"), "news.example.org")
        self.assertEqual(host_name("[::1]:8000"), "[::1]")

    def test_paths_that_could_escape_the_folder_are_refused(self):
        root = Path("/srv/published")
        for path in ("/a/../../etc/", "/./", "/a/b", "relative/", "/a\x00/"):
            self.assertIsNone(
                static_path(root=root, host="h", local_date="2024-03-10", path=path), path
            )
        self.assertIsNone(static_path(root=root, host="..", local_date="d", path="/a/"))


class NginxConfigTests(TestCase):
    @override_settings(DATELINE_STATIC_PAGES_DIR="/srv/published")
    def test_config_serves_published_files_and_falls_back_to_the_app(self):
        out = io.StringIO()
        call_command(
            "cache", "nginx", "--listen", "8080", "--upstream", "127.0.0.1:9000", stdout=out
        )
        text = out.getvalue()
        self.assertNotIn("{{", text)
        self.assertIn("root /srv/published;", text)
        self.assertIn("server 127.0.0.1:9000;", text)
        self.assertIn("try_files $dateline_published${uri}index.html @dateline;", text)
        self.assertIn('"~^(GET|HEAD)::$" "/$host/$dateline_today";', text)
        self.assertIn("$cookie_sessionid", text)
