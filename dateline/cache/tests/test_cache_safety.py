"""What the page cache must never store or serve: the signed-in, the private, the unpublished, POSTs,
pages that vary on a reader's cookies, and pages asked for under a host the site does not serve.

Each test primes the cache the way an attacker or an unlucky reader would, then checks what the
next anonymous reader gets.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse
from wagtail.models import PageViewRestriction

from dateline.cache import store
from dateline.cache.middleware import PageCacheMiddleware
from dateline.cache.tests.test_page_cache import CACHE_HEADER, PageCacheTestCase
from dateline.core import cachetags
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page


def _key(path: str, host: str = "testserver") -> str | None:
    return store.page_key(scheme="http", host=host, path=path, query_string="")


class CacheSafetyTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.section = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
        cls.article = ArticlePageFactory(
            parent=cls.section, title="Ferry timetable", slug="ferry-timetable"
        )
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def anonymous(self) -> None:
        self.client.logout()
        self.client.cookies.clear()

    def assertNotStored(self, path: str, host: str = "testserver") -> None:
        self.assertIsNone(store.entry_lookup(_key(path, host)), f"{host}{path} was stored")

    # Signed-in editors.

    def test_an_editor_never_gets_the_readers_copy_and_leaves_none_behind(self):
        url = self.article.url
        self.assertEqual(self.client.get(url)[CACHE_HEADER], "miss")
        self.assertEqual(self.client.get(url)[CACHE_HEADER], "hit")
        self.client.force_login(self.editor)
        response = self.client.get(url)
        self.assertEqual(response[CACHE_HEADER], "bypass", "an editor is served a fresh render")
        self.assertIn("private", response["Cache-Control"])
        self.anonymous()
        reader = self.client.get(url)
        self.assertEqual(reader[CACHE_HEADER], "hit")
        self.assertNotContains(reader, "/admin/")

    def test_a_draft_and_its_preview_never_reach_a_reader(self):
        draft = self.article.specific
        draft.title = "Ferry timetable DRAFT CHANGES"
        draft.save_revision(user=self.editor)
        self.client.force_login(self.editor)
        for url in (
            reverse("wagtailadmin_pages:view_draft", args=(self.article.pk,)),
            reverse("wagtailadmin_pages:preview_on_edit", args=(self.article.pk,)),
            self.article.url,
        ):
            response = self.client.get(url)
            self.assertNotEqual(response.get(CACHE_HEADER), "hit", url)
        self.anonymous()
        self.assertNotStored(reverse("wagtailadmin_pages:view_draft", args=(self.article.pk,)))
        reader = self.client.get(self.article.url)
        self.assertEqual(reader[CACHE_HEADER], "miss")
        self.assertNotContains(reader, "DRAFT CHANGES")
        self.assertNotContains(self.client.get(self.article.url), "DRAFT CHANGES")

    def test_a_never_published_page_is_not_found_and_not_stored(self):
        unpublished = ArticlePageFactory(parent=self.section, slug="embargoed", live=False)
        url = f"{self.section.url}embargoed/"
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.anonymous()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotStored(url)
        self.assertTrue(unpublished.pk)

    def test_the_admin_is_never_stored_even_without_a_session(self):
        url = reverse("wagtailadmin_pages:view_draft", args=(self.article.pk,))
        self.client.get(url)
        self.assertNotStored(url)
        self.assertNotStored(reverse("wagtailadmin_login"))

    # Private pages: Wagtail's view restrictions.

    def test_a_password_protected_page_is_never_stored_or_served_to_others(self):
        restriction = PageViewRestriction.objects.create(
            page=self.article, restriction_type=PageViewRestriction.PASSWORD, password="tide"
        )
        url = self.article.url
        form = self.client.get(url)
        self.assertEqual(form.status_code, 200)
        self.assertNotContains(form, "<h1>Ferry timetable</h1>", html=False)
        self.assertNotIn(form.get(CACHE_HEADER), ("miss", "hit"))
        self.assertNotStored(url)
        # A reader who knows the password sees the page, through their session: never stored.
        self.client.post(
            reverse(
                "wagtailcore_authenticate_with_password", args=(restriction.pk, self.article.pk)
            ),
            {"password": "tide", "return_url": url},
        )
        opened = self.client.get(url)
        self.assertContains(opened, "Ferry timetable")
        self.assertEqual(opened[CACHE_HEADER], "bypass")
        self.assertNotStored(url)
        self.anonymous()
        self.assertNotContains(self.client.get(url), "Second paragraph.")

    def test_a_login_restricted_page_is_never_stored_or_served_to_others(self):
        PageViewRestriction.objects.create(
            page=self.article, restriction_type=PageViewRestriction.LOGIN
        )
        url = self.article.url
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.editor)
        opened = self.client.get(url)
        self.assertEqual((opened.status_code, opened[CACHE_HEADER]), (200, "bypass"))
        self.anonymous()
        self.assertNotStored(url)
        self.assertEqual(self.client.get(url).status_code, 302)

    def test_a_restriction_added_later_takes_the_stored_copy_away(self):
        url = self.article.url
        self.client.get(url)
        self.assertEqual(self.client.get(url)[CACHE_HEADER], "hit")
        with self.captureOnCommitCallbacks(execute=True):  # the purge runs after the commit
            PageViewRestriction.objects.create(
                page=self.section, restriction_type=PageViewRestriction.LOGIN
            )
        self.assertEqual(self.client.get(url).status_code, 302)

    # Cookies, POSTs and hosts.

    def test_a_page_that_varies_on_the_readers_cookies_is_not_stored(self):
        def personal(request):
            cachetags.cache_tags_add(request, "page-1")
            response = HttpResponse(f"theme {request.COOKIES.get('theme', 'light')}")
            response["Vary"] = "Cookie"
            return response

        middleware = PageCacheMiddleware(personal)
        factory = RequestFactory()
        middleware(factory.get("/somewhere/", HTTP_COOKIE="theme=dark"))
        self.assertNotStored("/somewhere/")
        # Without cookies it is the same for everyone, and is stored.
        self.assertEqual(middleware(factory.get("/somewhere/"))[CACHE_HEADER], "miss")
        self.assertIsNotNone(store.entry_lookup(_key("/somewhere/")))

    def test_a_page_that_sets_a_cookie_is_not_stored(self):
        def greeting(request):
            cachetags.cache_tags_add(request, "page-1")
            response = HttpResponse("hello")
            response.set_cookie("visited", "1")
            return response

        PageCacheMiddleware(greeting)(RequestFactory().get("/somewhere/"))
        self.assertNotStored("/somewhere/")

    def test_a_post_is_never_answered_from_the_cache_nor_stored(self):
        url = self.article.url
        self.client.get(url)
        stored = store.entry_lookup(_key(url))
        response = self.client.post(url, {"anything": "1"})
        self.assertNotEqual(response.get(CACHE_HEADER), "hit")
        self.assertEqual(store.entry_lookup(_key(url)), stored, "the POST replaced nothing")

    def test_a_host_outside_allowed_hosts_is_refused_and_stores_nothing(self):
        url = self.article.url
        for _ in range(2):
            response = self.client.get(url, HTTP_HOST="evil.example")
            self.assertEqual(response.status_code, 400)
        self.assertNotStored(url, host="evil.example")
        # The real host's readers are not affected.
        self.assertEqual(self.client.get(url)[CACHE_HEADER], "miss")

    def test_the_wsgi_front_hands_a_foreign_host_to_django(self):
        from dateline.cache.wsgi import PageCacheApplication

        self.client.get(self.article.url)  # stored for testserver
        passed = []

        def django_app(environ, start_response):
            # Django answers a host outside ALLOWED_HOSTS with 400 (the test above).
            passed.append(environ["HTTP_HOST"])
            start_response("400 Bad Request", [])
            return [b""]

        statuses: list[str] = []
        hosts = ("evil.example", "TESTSERVER.evil.example", "testserver@evil.example")
        for host in hosts:
            environ = RequestFactory().get(self.article.url, HTTP_HOST=host).environ
            PageCacheApplication(django_app)(environ, lambda status, h: statuses.append(status))
        self.assertEqual(statuses, ["400 Bad Request"] * len(hosts))
        self.assertEqual(len(passed), 3, "no foreign host was answered from the cache")

    def test_x_forwarded_host_cannot_choose_the_key(self):
        url = self.article.url
        self.client.get(url, HTTP_X_FORWARDED_HOST="evil.example")
        self.assertNotStored(url, host="evil.example")
        self.assertIsNotNone(store.entry_lookup(_key(url)))

    @override_settings(USE_X_FORWARDED_HOST=True, ALLOWED_HOSTS=["testserver", "other.example"])
    def test_a_trusted_x_forwarded_host_keys_the_page_it_rendered(self):
        url = self.article.url
        self.client.get(url, HTTP_HOST="testserver", HTTP_X_FORWARDED_HOST="other.example")
        # Django rendered it for other.example, so it is stored under other.example only.
        self.assertNotStored(url, host="testserver")
        self.assertIsNotNone(store.entry_lookup(_key(url, host="other.example")))
        self.assertEqual(self.client.get(url, HTTP_HOST="testserver")[CACHE_HEADER], "miss")
