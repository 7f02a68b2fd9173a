"""Security defaults, production start-up checks and the reader-facing error pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import TestCase, override_settings

from dateline.core.dates import format_dateline
from dateline.newsroom.factories import home_page

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LONG_KEY = "k" * 30 + "-production-test-key-0123456789"


def run_django(settings_module: str, code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter after django.setup() with the given settings."""
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    clean_env.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class ProductionSettingsTests(TestCase):
    def test_refuses_to_start_without_secret_key(self):
        result = run_django(
            "dateline.settings.production", "print('started')", ALLOWED_HOSTS="a.org"
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is not set", result.stderr)
        self.assertNotIn("started", result.stdout)

    def test_refuses_to_start_without_allowed_hosts(self):
        result = run_django("dateline.settings.production", "print('started')", SECRET_KEY=LONG_KEY)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ALLOWED_HOSTS is not set", result.stderr)

    def test_starts_and_passes_deploy_checks_when_configured(self):
        code = (
            "from django.core.management import call_command; "
            "call_command('check', deploy=True, fail_level='WARNING')"
        )
        result = run_django(
            "dateline.settings.production",
            code,
            SECRET_KEY=LONG_KEY,
            ALLOWED_HOSTS="news.example.org",
        )
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_base_settings_are_secure_by_default(self):
        code = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
        result = run_django("dateline.settings.base", code, SECRET_KEY=LONG_KEY)
        self.assertEqual(result.stdout.strip(), "False []", result.stderr)


class SqliteSettingsTests(TestCase):
    def test_a_writer_waits_for_the_worker_longer_than_sqlite_default(self):
        # A reader's page that draws a rendition writes; while the worker builds Related News
        # lists it holds the write lock for more than SQLite's default 5 s busy timeout.
        code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
        result = run_django(
            "dateline.settings.base", code, SECRET_KEY=LONG_KEY, DATABASE_URL="sqlite:///:memory:"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("'timeout': 30", result.stdout)


class ErrorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home_page()

    def test_unknown_url_gives_styled_404(self):
        response = self.client.get("/no/such/page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "<h1>Page not found</h1>", status_code=404, html=True)
        self.assertContains(response, "/static/dateline/css/site.css", status_code=404)
        self.assertContains(response, 'class="skip-link"', status_code=404)

    def test_hostile_paths_give_404_not_500(self):
        for path in ["/%00/", "/<script>/", "/" + "a" * 3000 + "/", "/china-news/../../etc/passwd"]:
            with self.subTest(path=path[:40]):
                self.assertEqual(self.client.get(path).status_code, 404)

    @override_settings(DEBUG=False)
    def test_500_page_is_self_contained(self):
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        self.assertIn("Something went wrong", html)
        self.assertIn("/static/dateline/css/site.css", html)


class DatelineFormatTests(TestCase):
    def test_naive_datetimes_are_read_as_utc(self):
        import datetime as dt
        import zoneinfo

        value = dt.datetime(2022, 12, 8, 23, 30)
        zone = zoneinfo.ZoneInfo("Pacific/Kiritimati")  # UTC+14
        self.assertEqual(
            format_dateline(value, zone=zone, fmt="F j, Y", upper=True), "DECEMBER 9, 2022"
        )
        self.assertEqual(format_dateline(None, zone=zone, fmt="F j, Y", upper=True), "")
