"""The breaking-news banner: when it shows, how it reads, and that no cache outlives it.

The page cache keeps a page until the newsroom's midnight unless the page says it changes sooner;
a banner's start and expiry are such instants (no edit announces them), so these tests move the
clock across them and ask the cache, through the middleware and the WSGI front, what it serves.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase

from dateline.breaking.models import BreakingNews, Severity
from dateline.breaking.selectors import breaking_news_state
from dateline.breaking.services import breaking_news_clear, breaking_news_update
from dateline.cache import store
from dateline.cache.tests.test_page_cache import PageCacheTestCase
from dateline.core.testing import clock_at
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
)

CACHE_HEADER = "X-Dateline-Cache"
NOON = dt.datetime(2025, 6, 2, 12, 0, tzinfo=dt.UTC)
TEXT = "Floodwater closes the Averley bridge in both directions"


def banner_of(response) -> BeautifulSoup | None:
    """Return the banner's region in a page, or None."""
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find("section", class_="breaking")


class BannerStateTests(TestCase):
    """When a banner shows and when that changes, from the setting alone."""

    def setting(self, **fields) -> BreakingNews:
        values = {"show": True, "text": TEXT, "severity": Severity.ALERT, **fields}
        return BreakingNews(site=Site(pk=1), **values)

    def test_a_banner_switched_on_shows_until_taken_down(self):
        state = breaking_news_state(setting=self.setting(), now=NOON)
        self.assertEqual((state.banner.text, state.banner.severity_label), (TEXT, "Alert"))
        self.assertIsNone(state.changes_at)

    def test_switched_off_or_without_text_nothing_shows(self):
        for setting in (self.setting(show=False), self.setting(text="  ")):
            self.assertEqual(
                breaking_news_state(setting=setting, now=NOON).banner, None, setting.show
            )

    def test_a_banner_not_yet_due_changes_at_its_start(self):
        start = NOON + dt.timedelta(minutes=30)
        state = breaking_news_state(setting=self.setting(starts_at=start), now=NOON)
        self.assertEqual((state.banner, state.changes_at), (None, start))
        later = breaking_news_state(setting=self.setting(starts_at=start), now=start)
        self.assertIsNotNone(later.banner)

    def test_a_running_banner_changes_at_its_expiry_and_is_gone_from_then(self):
        end = NOON + dt.timedelta(hours=2)
        setting = self.setting(starts_at=NOON - dt.timedelta(hours=1), expires_at=end)
        running = breaking_news_state(setting=setting, now=NOON)
        self.assertEqual((running.banner.text, running.changes_at), (TEXT, end))
        gone = breaking_news_state(setting=setting, now=end)
        self.assertEqual((gone.banner, gone.changes_at), (None, None))

    def test_validation_refuses_an_empty_banner_and_a_run_ending_before_it_starts(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as raised:
            self.setting(text="").clean()
        self.assertIn("text", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            self.setting(starts_at=NOON, expires_at=NOON).clean()
        self.assertIn("expires_at", raised.exception.message_dict)


class BannerMarkupTests(WagtailPageTestCase):
    """What readers get: a labelled region, the severity in words, the link to the story."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.site = Site.objects.get(is_default_site=True)
        section = SectionPageFactory(parent=cls.home, title="Local", slug="local")
        cls.story = ArticlePageFactory(parent=section, slug="bridge-closed", title="Bridge closed")

    def test_every_page_type_shows_the_banner_as_a_labelled_region(self):
        breaking_news_update(
            site=self.site, show=True, text=TEXT, severity="developing", link_page=self.story
        )
        for url in ("/", "/local/", self.story.url, "/no-such-page/"):
            response = self.client.get(url)
            region = banner_of(response)
            self.assertIsNotNone(region, url)
            self.assertEqual(region["aria-label"], "Breaking news")
            # The severity is a word readers (and screen readers) get, not only a colour.
            self.assertEqual(region.find(class_="breaking__label").get_text(), "Developing:")
            link = region.find("a")
            self.assertEqual((link["href"], link.get_text()), (self.story.url, TEXT))

    def test_an_external_link_or_none(self):
        breaking_news_update(
            site=self.site, show=True, text=TEXT, link_url="https://example.org/warnings"
        )
        region = banner_of(self.client.get("/"))
        self.assertEqual(region.find("a")["href"], "https://example.org/warnings")
        breaking_news_update(site=self.site, link_url="")
        region = banner_of(self.client.get("/"))
        self.assertIsNone(region.find("a"))
        self.assertIn(TEXT, region.get_text())

    def test_a_linked_story_taken_down_leaves_the_banner_without_its_link(self):
        breaking_news_update(site=self.site, show=True, text=TEXT, link_page=self.story)
        self.story.unpublish()
        region = banner_of(self.client.get("/"))
        self.assertIsNone(region.find("a"))

    def test_nothing_is_shown_when_off_or_when_the_feature_is_switched_off(self):
        self.assertIsNone(banner_of(self.client.get("/")))
        breaking_news_update(site=self.site, show=True, text=TEXT)
        with override_settings(DATELINE_DISABLED_FEATURES=["breaking"]):
            self.assertIsNone(banner_of(self.client.get("/")))
        breaking_news_clear(site=self.site)
        self.assertIsNone(banner_of(self.client.get("/")))

    def test_a_reader_never_writes_the_setting(self):
        # Wagtail's for_site creates a missing row, and saving a setting purges every cached page.
        self.client.get("/")
        self.assertFalse(BreakingNews.objects.exists())

    def test_reading_the_banner_costs_at_most_one_query_per_render(self):
        breaking_news_update(site=self.site, show=True, text=TEXT, link_page=self.story)

        def count(url: str) -> int:
            self.client.get(url)  # warm per-process caches (site root paths, content types)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(queries)

        with_banner = {url: count(url) for url in ("/", self.story.url)}
        with override_settings(DATELINE_DISABLED_FEATURES=["breaking"]):
            without = {url: count(url) for url in ("/", self.story.url)}
        for url, queries in with_banner.items():
            self.assertLessEqual(queries - without[url], 1, url)


@pytest.mark.usefixtures("site_memo_on")
class BannerMemoTests(WagtailPageTestCase):
    """With the process memo on, as in production: a render reads the banner without a query."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.site = Site.objects.get(is_default_site=True)
        section = SectionPageFactory(parent=cls.home, title="Local", slug="local")
        cls.story = ArticlePageFactory(parent=section, slug="bridge-closed", title="Bridge closed")

    def count(self, url: str) -> int:
        self.client.get(url)  # fill the memo
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_a_render_reads_the_banner_from_the_memo_and_an_edit_is_seen_at_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            breaking_news_update(site=self.site, show=True, text=TEXT, link_page=self.story)
        with_banner = self.count(self.story.url)
        with override_settings(DATELINE_DISABLED_FEATURES=["breaking"]):
            without = self.count(self.story.url)
        self.assertEqual(with_banner, without)
        self.assertIsNotNone(banner_of(self.client.get("/")))
        # The editor's save purges, which moves the memo's token: the next render sees it.
        with self.captureOnCommitCallbacks(execute=True):
            breaking_news_clear(site=self.site)
        self.assertIsNone(banner_of(self.client.get("/")))


class BannerPageCacheTests(PageCacheTestCase):
    """The page cache serves no banner after its expiry and misses none after its start."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.site = Site.objects.get(is_default_site=True)
        cls.section = SectionPageFactory(parent=cls.home, title="Local", slug="local")
        cls.author = AuthorFactory(name="Ana Silva", slug="ana-silva")
        cls.story = ArticlePageFactory(
            parent=cls.section, slug="bridge-closed", title="Bridge closed", authors=[cls.author]
        )

    def urls(self) -> list[str]:
        return ["/", "/local/", self.story.url, "/authors/ana-silva/"]

    def get(self, url: str):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def through_wsgi_front(self, url: str) -> tuple[str, bytes]:
        """Ask the WSGI front as `dateline serve` does; return "hit" with the body, or "miss"."""
        from dateline.cache.wsgi import PageCacheApplication

        def django_app(environ, start_response):
            start_response("204 No Content", [])
            return [b""]

        seen: dict[str, str] = {}
        front = PageCacheApplication(django_app)
        environ = RequestFactory().get(url).environ
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(front(environ, lambda status, headers: seen.update(status=status)))
        self.assertEqual(len(queries), 0, "a hit or a miss at the front makes no query")
        return ("hit" if seen["status"] == "200 OK" else "miss"), body

    def set_banner(self, **fields) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            breaking_news_update(site=self.site, **fields)

    def test_a_cached_page_does_not_outlive_the_banners_expiry(self):
        end = NOON + dt.timedelta(minutes=20)
        with clock_at(NOON):
            self.set_banner(show=True, text=TEXT, expires_at=end)
            first = self.get(self.story.url)
            self.assertEqual(first[CACHE_HEADER], "miss")
            self.assertIsNotNone(banner_of(first))
            hit = self.get(self.story.url)
            self.assertEqual(hit[CACHE_HEADER], "hit")
            # No shared cache (a CDN) may keep the page past the expiry either.
            control = dict(
                part.strip().split("=") for part in hit["Cache-Control"].split(",") if "=" in part
            )
            self.assertLessEqual(
                int(control["s-maxage"]) + int(control["stale-while-revalidate"]), 20 * 60
            )
        with clock_at(end - dt.timedelta(seconds=1)):
            self.assertEqual(self.through_wsgi_front(self.story.url)[0], "hit")
        with clock_at(end):
            self.assertEqual(self.through_wsgi_front(self.story.url)[0], "miss")
            late = self.get(self.story.url)
            self.assertEqual(late[CACHE_HEADER], "miss")
            self.assertIsNone(banner_of(late))
            # Without a banner change ahead, the fresh copy is kept again (to midnight).
            self.assertEqual(self.get(self.story.url)[CACHE_HEADER], "hit")

    def test_a_page_cached_before_the_banners_start_shows_it_from_the_start(self):
        start = NOON + dt.timedelta(minutes=5)
        with clock_at(NOON):
            self.set_banner(show=True, text=TEXT, starts_at=start)
            for url in self.urls():
                self.assertIsNone(banner_of(self.get(url)), url)
                self.assertEqual(self.get(url)[CACHE_HEADER], "hit", url)
        with clock_at(start):
            for url in self.urls():
                self.assertEqual(self.through_wsgi_front(url)[0], "miss", url)
                response = self.get(url)
                self.assertEqual(response[CACHE_HEADER], "miss", url)
                self.assertIsNotNone(banner_of(response), url)

    def test_setting_and_clearing_the_banner_purges_every_page(self):
        with clock_at(NOON):
            for url in self.urls():
                self.get(url)
                self.assertEqual(self.get(url)[CACHE_HEADER], "hit", url)
            self.set_banner(show=True, text=TEXT)
            for url in self.urls():
                response = self.get(url)
                self.assertEqual(response[CACHE_HEADER], "miss", url)
                self.assertIsNotNone(banner_of(response), url)
                state, body = self.through_wsgi_front(url)
                self.assertEqual(state, "hit", url)
                self.assertIn(TEXT.encode(), body)
            with self.captureOnCommitCallbacks(execute=True):
                breaking_news_clear(site=self.site)
            for url in self.urls():
                response = self.get(url)
                self.assertEqual(response[CACHE_HEADER], "miss", url)
                self.assertIsNone(banner_of(response), url)

    def test_a_page_that_changes_before_midnight_is_not_published_as_a_static_file(self):
        # nginx serves published files until the local day ends: it could not drop the banner.
        published = self.folder / "static-pages"
        with clock_at(NOON):
            self.get("/local/")
            self.assertTrue(any(published.rglob("index.html")))
            self.set_banner(show=True, text=TEXT, expires_at=NOON + dt.timedelta(hours=1))
            self.assertFalse(any(published.rglob("index.html")), "the purge removes the files")
            self.get("/local/")
            self.assertEqual(self.get("/local/")[CACHE_HEADER], "hit")
            self.assertFalse(any(published.rglob("index.html")))

    def test_a_banner_ending_after_midnight_leaves_pages_to_the_daily_rule(self):
        published = self.folder / "static-pages"
        with clock_at(NOON):
            self.set_banner(show=True, text=TEXT, expires_at=NOON + dt.timedelta(days=3))
            self.assertIsNotNone(banner_of(self.get("/local/")))
            self.assertTrue(any(published.rglob("index.html")))
            control = self.get("/local/")["Cache-Control"]
            self.assertIn(f"s-maxage={store.conf().s_maxage}", control)
