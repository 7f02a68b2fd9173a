"""The page cache: hits, exact purges, editor bypass, conditional GET, no leaks, local midnight."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase

from dateline.cache import store
from dateline.cache.middleware import PageCacheMiddleware
from dateline.cache.services import cache_purge
from dateline.core import cachetags
from dateline.core.models import SiteSettings
from dateline.core.testing import clock_at
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)

CACHE_HEADER = "X-Dateline-Cache"


class RecordingBackend(BaseBackend):
    """A front-end cache backend that records the URLs it was asked to purge."""

    purged: list[str] = []

    def purge(self, url) -> None:
        RecordingBackend.purged.append(url)


class PageCacheTestCase(WagtailPageTestCase):
    """Switch the page cache on with empty stores and private folders for each test."""

    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="dateline-cache-test-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        overrides = override_settings(
            DATELINE_PAGE_CACHE=True,
            DATELINE_STATIC_PAGES_DIR=str(self.folder / "static-pages"),
            DATELINE_CACHE_INDEX_DIR=str(self.folder / "index"),
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        store.store().clear()
        store.memo.clear()

    def state(self, url: str, **headers) -> str:
        """Return "hit" or "miss" for a page, or "gone" when it no longer exists."""
        response = self.client.get(url, **headers)
        if response.status_code in (301, 302, 404):
            return "gone"
        self.assertEqual(response.status_code, 200, url)
        return response[CACHE_HEADER]


class InvalidationTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.desk_a = SectionPageFactory(parent=cls.home, title="Harbour", slug="harbour")
        cls.desk_b = SectionPageFactory(parent=cls.home, title="Business", slug="business")
        cls.desk_c = SectionPageFactory(parent=cls.home, title="Culture", slug="culture")
        cls.xu = AuthorFactory(name="Xu Wei", slug="xu-wei")
        cls.yan = AuthorFactory(name="Yan Li", slug="yan-li")
        cls.first = ArticlePageFactory(
            parent=cls.desk_a,
            slug="ferry-timetable",
            standfirst="",
            title="Harbour ferry timetable changes for the winter",
            body=paragraphs(
                "The Harbour Ferry Company will run fewer crossings from the old pier this winter.",
                "Ferry passengers at Millbrook harbour should check the new timetable.",
            ),
            authors=[cls.xu],
            tags=["ferries"],
            additional_sections=[cls.desk_b],
        )
        cls.second = ArticlePageFactory(
            parent=cls.desk_a,
            slug="new-pier",
            standfirst="",
            title="New ferry pier planned for Millbrook harbour",
            body=paragraphs(
                "Millbrook harbour will get a new pier for the Harbour Ferry Company's boats.",
                "Ferry crossings will move to the new pier when it opens next year.",
            ),
            authors=[cls.yan],
            tags=["ferries"],
        )
        cls.third = ArticlePageFactory(
            parent=cls.desk_c,
            slug="opera-season",
            standfirst="",
            title="Singers rehearse Rossini comedy",
            body=paragraphs("Soprano Ilse Varga rehearses Rossini arias for October concerts."),
            authors=[cls.yan],
            tags=["opera"],
        )
        # Publish the way the editor does, so features that react to publishing (Related News)
        # have built what these pages show.
        for article in (cls.first, cls.second, cls.third):
            article.save_revision().publish()

    def pages(self) -> dict[str, str]:
        return {
            "first": self.first.url,
            "second": self.second.url,
            "third": self.third.url,
            "desk_a": self.desk_a.url,
            "desk_b": self.desk_b.url,
            "desk_c": self.desk_c.url,
            "home": "/",
            "xu": "/authors/xu-wei/",
            "yan": "/authors/yan-li/",
            "ferries": "/tags/ferries/",
            "opera": "/tags/opera/",
        }

    def warm(self) -> None:
        for url in self.pages().values():
            self.state(url)
        for name, url in self.pages().items():
            self.assertEqual(self.state(url), "hit", name)

    def purged_after(self, change) -> set[str]:
        self.warm()
        with self.captureOnCommitCallbacks(execute=True):
            change()
        return {name for name, url in self.pages().items() if self.state(url) != "hit"}

    def test_second_request_is_a_hit_with_zero_queries(self):
        self.assertEqual(self.state(self.first.url), "miss")
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.state(self.first.url), "hit")
        self.assertEqual(len(queries), 0)

    def test_republishing_purges_exactly_the_pages_that_show_the_article(self):
        def edit():
            self.second.title = "New pier opens in spring"
            self.second.save_revision().publish()

        # Its page; the other harbour story whose Related News shows it; its section; the front
        # page; its author's and tag's pages. Not: the unrelated culture story, the other sections,
        # the other author, the other tag.
        self.assertEqual(
            self.purged_after(edit), {"second", "first", "desk_a", "home", "yan", "ferries"}
        )
        self.assertContains(self.client.get(self.second.url), "New pier opens in spring")
        self.assertContains(self.client.get(self.first.url), "New pier opens in spring")

    def test_a_new_story_entering_another_storys_related_news_purges_that_page(self):
        def publish():
            new = ArticlePageFactory(
                parent=self.desk_c,
                slug="ferry-strike",
                standfirst="",
                title="Harbour ferry crews strike over the winter timetable",
                body=paragraphs(
                    "Harbour Ferry Company crews at Millbrook harbour stopped the crossings.",
                    "The ferry timetable for the winter was the cause, the crews said.",
                ),
                authors=[self.xu],
                tags=["ferries"],
            )
            new.save_revision().publish()

        purged = self.purged_after(publish)
        # The story it now appears beside (Related News), though nothing else links it there.
        self.assertIn("first", purged)
        self.assertContains(self.client.get(self.first.url), "Harbour ferry crews strike")

    def test_unpublishing_purges_the_same_pages_and_the_article_is_gone(self):
        purged = self.purged_after(self.second.unpublish)
        self.assertEqual(purged, {"second", "first", "desk_a", "home", "yan", "ferries"})
        self.assertEqual(self.client.get(self.second.url).status_code, 404)
        self.assertNotContains(self.client.get("/"), self.second.title)

    def publish_dated(self, published_at: dt.datetime) -> set[str]:
        """Publish a story unlike the others, dated `published_at`; return the pages purged."""

        def publish():
            story = ArticlePageFactory(
                parent=self.desk_b,
                slug="volcano",
                standfirst="",
                title="Volcano ash closes the northern airport",
                body=paragraphs("Volcanic ash grounded every flight at the northern airport."),
                authors=[self.xu],
                tags=["volcanoes"],
                published_at=published_at,
            )
            story.save_revision().publish()

        return self.purged_after(publish)

    def test_a_story_dated_today_leaves_other_stories_pages_cached(self):
        # On this day shows stories of earlier years: today's story is in no page's block, so a
        # breaking story does not empty the cache of every article page (seen under load).
        now = dt.datetime(2024, 5, 6, 12, tzinfo=dt.UTC)
        with clock_at(now):
            purged = self.publish_dated(now)
        self.assertNotIn("third", purged)
        self.assertNotIn("second", purged)

    def test_a_story_dated_today_in_an_earlier_year_purges_on_this_day(self):
        with clock_at(dt.datetime(2024, 5, 6, 12, tzinfo=dt.UTC)):
            purged = self.publish_dated(dt.datetime(2019, 5, 6, 12, tzinfo=dt.UTC))
        self.assertIn("third", purged)

    def test_further_sections_and_moves_are_purged(self):
        def move():
            self.first.move(self.desk_c, pos="last-child")

        purged = self.purged_after(move)
        # Old and new sections, the further section, and everything linking to the old URL.
        self.assertTrue({"first", "second", "desk_a", "desk_b", "desk_c", "home"} <= purged)
        self.assertNotIn("opera", purged)

    def test_deleting_purges_its_pages(self):
        purged = self.purged_after(self.third.delete)
        self.assertEqual(purged, {"third", "desk_c", "home", "yan", "opera"})

    def test_site_settings_purge_every_page(self):
        def edit_settings():
            settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
            settings.about_blurb = "An independent newsroom."
            settings.save()

        self.assertEqual(self.purged_after(edit_settings), set(self.pages()))

    def test_author_rename_purges_pages_showing_the_author(self):
        def rename():
            self.xu.name = "Xu Wei-Ming"
            self.xu.save()

        # Every listing whose card shows the byline, and the story itself.
        self.assertEqual(
            self.purged_after(rename), {"first", "desk_a", "desk_b", "home", "xu", "ferries"}
        )

    def test_static_files_and_cdn_urls_are_purged_by_the_same_function(self):
        RecordingBackend.purged = []
        frontend = {"test": {"BACKEND": f"{__name__}.RecordingBackend"}}
        with override_settings(WAGTAILFRONTENDCACHE=frontend):
            self.state(self.second.url)
            self.state(self.third.url)
            files = list((self.folder / "static-pages").rglob("index.html"))
            self.assertEqual(len(files), 2)
            with self.captureOnCommitCallbacks(execute=True):
                self.second.save_revision().publish()
        remaining = list((self.folder / "static-pages").rglob("index.html"))
        self.assertEqual([p.parent.name for p in remaining], ["opera-season"])
        self.assertEqual(RecordingBackend.purged, ["http://testserver" + self.second.url])

    def test_purge_of_an_unknown_tag_leaves_pages_alone(self):
        self.warm()
        cache_purge(tags=["page-999999"])
        self.assertEqual({self.state(url) for url in self.pages().values()}, {"hit"})


class HttpSemanticsTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        section = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
        cls.article = ArticlePageFactory(parent=section, slug="ferry-timetable")
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def test_headers_carry_tags_validators_and_cdn_lifetime(self):
        response = self.client.get(self.article.url)
        tags = set(response["Cache-Tag"].split(","))
        self.assertTrue({"all", f"page-{self.article.pk}", "almanac"} <= tags)
        self.assertEqual(set(response["Surrogate-Key"].split()), tags)
        self.assertIn("s-maxage=", response["Cache-Control"])
        self.assertIn("stale-while-revalidate=", response["Cache-Control"])
        self.assertTrue(response["ETag"].startswith('"'))
        self.assertNotIn("Cookie", response.get("Vary", ""))
        self.assertFalse(response.cookies)

    def test_conditional_get_answers_304_on_miss_and_hit_paths(self):
        first = self.client.get(self.article.url)
        etag, modified = first["ETag"], first["Last-Modified"]
        response = self.client.get(self.article.url, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response["ETag"], etag)
        self.assertEqual(response.content, b"")
        response = self.client.get(self.article.url, HTTP_IF_MODIFIED_SINCE=modified)
        self.assertEqual(response.status_code, 304)
        response = self.client.get(self.article.url, HTTP_IF_NONE_MATCH='"something-else"')
        self.assertEqual(response.status_code, 200)
        # After a purge the page is rendered again: a stale validator gets the page, not 304.
        store.store().clear()
        store.memo.clear()
        fresh = self.client.get(self.article.url, HTTP_IF_NONE_MATCH='"old"')
        self.assertEqual(fresh.status_code, 200)

    def test_editors_bypass_the_cache_and_are_never_stored(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.article.url)
        self.assertEqual(response[CACHE_HEADER], "bypass")
        self.assertIn("private", response["Cache-Control"])
        self.client.logout()
        self.client.cookies.clear()
        # The editor's visit stored nothing: the first anonymous view renders afresh.
        self.assertEqual(self.state(self.article.url), "miss")
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(self.article.url)[CACHE_HEADER], "bypass")

    def test_a_cached_page_never_carries_an_editors_session_or_csrf_token(self):
        self.client.force_login(self.editor)
        session_key = self.client.cookies["sessionid"].value
        self.client.get("/admin/")  # sets the editor's CSRF cookie
        csrf = self.client.cookies["csrftoken"].value
        self.client.get(self.article.url)
        self.client.logout()
        self.client.cookies.clear()
        self.state(self.article.url)
        hit = self.client.get(self.article.url)
        self.assertEqual(hit[CACHE_HEADER], "hit")
        body = hit.content.decode()
        self.assertNotIn(session_key, body)
        self.assertNotIn(csrf, body)
        self.assertNotIn("csrfmiddlewaretoken", body)
        self.assertFalse(hit.cookies)
        # Every form on the page is a GET form (search): nothing that would need a token.
        document = BeautifulSoup(body, "html.parser")
        methods = {form.get("method", "get").lower() for form in document.find_all("form")}
        self.assertEqual(methods, {"get"})

    def test_responses_using_a_csrf_token_or_setting_cookies_are_not_stored(self):
        factory = RequestFactory()

        def with_form(request):
            cachetags.cache_tags_add(request, "page-1")
            html = Template("<form method=post>{% csrf_token %}</form>").render(
                Context({"csrf_token": get_token(request)})
            )
            return HttpResponse(html)

        def with_cookie(request):
            cachetags.cache_tags_add(request, "page-1")
            response = HttpResponse("hello")
            response.set_cookie("seen", "1")
            return response

        for view in (with_form, with_cookie):
            middleware = PageCacheMiddleware(view)
            for _ in range(2):
                response = middleware(factory.get("/somewhere/"))
                self.assertNotIn(CACHE_HEADER, response)
            self.assertIsNone(
                store.entry_lookup(
                    store.page_key(
                        scheme="http", host="testserver", path="/somewhere/", query_string=""
                    )
                )
            )

    def test_query_strings_that_matter_are_keyed_others_bypass(self):
        self.assertEqual(self.state(self.article.url + "?utm_source=x"), "miss")
        self.assertEqual(self.state(self.article.url), "hit")  # tracking parameters ignored
        response = self.client.get(self.article.url + "?anything=1")
        self.assertNotIn(CACHE_HEADER, response)  # unknown parameters are not cached at all

    def test_wsgi_front_serves_hits_without_django(self):
        from dateline.cache.wsgi import PageCacheApplication

        self.state(self.article.url)
        calls = []

        def django_app(environ, start_response):
            calls.append(environ["PATH_INFO"])
            start_response("500 Internal Server Error", [])
            return [b""]

        front = PageCacheApplication(django_app)
        environ = RequestFactory().get(self.article.url).environ
        seen = {}
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(front(environ, lambda status, headers: seen.update(status=status)))
        self.assertEqual((seen["status"], calls, len(queries)), ("200 OK", [], 0))
        self.assertIn(b"<h1", body)

    def test_a_changed_security_policy_is_not_served_from_old_entries(self):
        self.assertEqual(self.state(self.article.url), "miss")
        self.assertEqual(self.state(self.article.url), "hit")
        with override_settings(DATELINE_CSP="default-src 'none'"):
            response = self.client.get(self.article.url)
            self.assertEqual(response[CACHE_HEADER], "miss")
            self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")

    def test_a_hit_from_the_wsgi_front_keeps_the_security_headers(self):
        from dateline.cache.wsgi import PageCacheApplication

        served = self.client.get(self.article.url)  # rendered by Django, stored
        front = PageCacheApplication(lambda environ, start_response: [b""])
        seen = {}
        environ = RequestFactory().get(self.article.url).environ
        b"".join(front(environ, lambda status, headers: seen.update(headers=dict(headers))))
        self.assertEqual(seen["headers"][CACHE_HEADER], "hit")
        for name in (
            "Content-Security-Policy",
            "Permissions-Policy",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "X-Frame-Options",
        ):
            with self.subTest(header=name):
                self.assertEqual(seen["headers"].get(name), served[name])


class LocalMidnightTests(PageCacheTestCase):
    """Issue 4's rule for caches: a page cached at 23:59 local is not served at 00:01."""

    @classmethod
    def setUpTestData(cls):
        home = home_page()
        section = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        settings.time_zone = "Asia/Shanghai"
        settings.save()
        cls.zone = settings.zone
        # An archive story from 10 March 2020 (Shanghai): On this day shows it on 10 March only.
        cls.old = ArticlePageFactory(
            parent=section,
            slug="bridge-opens",
            title="The new bridge opens",
            published_at=dt.datetime(2020, 3, 10, 9, tzinfo=cls.zone),
        )
        cls.article = ArticlePageFactory(parent=section, slug="ferry-timetable")

    def at(self, moment: dt.datetime):
        return clock_at(moment)

    def on_this_day(self, response) -> str:
        block = BeautifulSoup(response.content, "html.parser").find("aside", class_="on-this-day")
        return "" if block is None else block.get_text()

    def test_page_cached_at_2359_local_is_not_served_at_0001(self):
        before = dt.datetime(2024, 3, 10, 23, 59, tzinfo=self.zone)
        after = dt.datetime(2024, 3, 11, 0, 1, tzinfo=self.zone)
        with self.at(before):
            first = self.client.get(self.article.url)
            self.assertEqual(first[CACHE_HEADER], "miss")
            self.assertIn("The new bridge opens", self.on_this_day(first))
            hit = self.client.get(self.article.url)
            self.assertEqual(hit[CACHE_HEADER], "hit")
            # No shared cache may keep it past midnight, stale-while-revalidate included.
            control = dict(
                part.strip().split("=") for part in hit["Cache-Control"].split(",") if "=" in part
            )
            self.assertLessEqual(
                int(control["s-maxage"]) + int(control["stale-while-revalidate"]), 60
            )
        with self.at(after):
            late = self.client.get(self.article.url)
            self.assertEqual(late[CACHE_HEADER], "miss")
            self.assertNotIn("The new bridge opens", self.on_this_day(late))
