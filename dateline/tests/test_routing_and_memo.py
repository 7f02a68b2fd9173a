"""The two-query page routing and the process memo of site-wide reads (`core.routing`, `core.memo`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site
from wagtail.test.utils import WagtailPageTestCase

from dateline.almanac.factories import EventFactory
from dateline.core import dates, memo
from dateline.core.models import SiteSettings
from dateline.core.routing import page_url, route_prime
from dateline.core.services import site_settings_update
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
)
from dateline.newsroom.services import section_ensure


class RoutingTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.section = SectionPageFactory(parent=cls.home, title="World", slug="world")
        cls.article = ArticlePageFactory(parent=cls.section, title="Harbour opens", slug="harbour")
        cls.author = AuthorFactory(name="Kim Lee", slug="kim-lee")

    def routed(self, path: str):
        request = RequestFactory().get(path)
        primed = route_prime(request=request, path=path)
        found = getattr(request, "_wagtail_route_for_request", None)
        return primed, (found.page if found is not None else None)

    def test_article_and_section_found_directly_as_wagtail_would(self):
        for page in (self.article, self.section):
            primed, found = self.routed(page.url)
            self.assertTrue(primed, page.url)
            self.assertEqual(found, page)
            self.assertIs(type(found), type(page.specific))
            # Wagtail's own walk agrees.
            request = RequestFactory().get(page.url)
            walked = Site.find_for_request(request).root_page.specific.route(
                request, [part for part in page.url.split("/") if part]
            )
            self.assertEqual(walked.page, found)

    def test_article_route_costs_two_queries(self):
        with CaptureQueriesContext(connection) as queries:
            self.routed(self.article.url)
        # Site lookup and its root page read (no memo in tests), the page row, its specific row.
        self.assertLessEqual(len(queries), 4)

    def test_home_routes_unknown_paths_and_drafts_are_left_to_wagtail(self):
        self.assertEqual(self.routed("/authors/kim-lee/"), (False, None))
        self.assertEqual(self.client.get("/authors/kim-lee/").status_code, 200)
        self.assertEqual(self.routed("/world/no-such-story/"), (False, None))
        self.assertEqual(self.client.get("/world/no-such-story/").status_code, 404)
        self.assertEqual(self.routed("/"), (False, None))
        self.assertEqual(self.client.get("/").status_code, 200)
        draft = ArticlePageFactory(parent=self.section, title="Not yet", slug="not-yet", live=False)
        self.assertEqual(
            self.routed(draft.url_path.removeprefix(self.home.url_path[:-1])), (False, None)
        )
        self.assertEqual(self.client.get("/world/not-yet/").status_code, 404)

    def test_page_url_matches_wagtails_link(self):
        request = RequestFactory().get("/")
        for page in (self.article, self.section, self.home):
            self.assertEqual(
                page_url(url_path=page.url_path, request=request), page.get_url(request=request)
            )
            self.assertEqual(page_url(url_path=page.url_path, request=None), page.url)
        self.assertIsNone(page_url(url_path="/elsewhere/", request=request))

    def test_served_page_is_the_article(self):
        response = self.client.get(self.article.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Harbour opens")


@pytest.mark.usefixtures("site_memo_on")
class MemoTests(WagtailPageTestCase):
    """With the memo on, as in production: values stay until a purge, and every purge drops them."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.section = SectionPageFactory(parent=cls.home, title="World", slug="world")
        cls.article = ArticlePageFactory(parent=cls.section, title="Harbour opens", slug="harbour")
        cls.site = cls.home.get_site()

    def test_memo_serves_remembered_settings_until_a_purge(self):
        site_settings_update(site=self.site, about_blurb="First blurb.")
        memo.memo_clear()
        self.assertContains(self.client.get(self.article.url), "First blurb.")
        # A write that skips the signals (so no purge) is not seen: the memo answered.
        SiteSettings.objects.filter(site=self.site).update(about_blurb="Silent change.")
        self.assertContains(self.client.get(self.article.url), "First blurb.")
        # The editor's path purges when the transaction commits, and the memo follows.
        with self.captureOnCommitCallbacks(execute=True):
            site_settings_update(site=self.site, about_blurb="Edited blurb.")
        response = self.client.get(self.article.url)
        self.assertContains(response, "Edited blurb.")
        self.assertNotContains(response, "First blurb.")

    def test_new_section_appears_in_navigation_after_its_publish(self):
        self.assertNotContains(self.client.get("/"), "Business desk")
        with self.captureOnCommitCallbacks(execute=True):
            section_ensure(home=self.home, slug="business", title="Business desk")
        self.assertContains(self.client.get("/"), "Business desk")

    def test_a_private_page_is_never_served_from_the_memoised_no_restrictions_answer(self):
        self.assertEqual(self.client.get(self.article.url).status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            restriction = PageViewRestriction.objects.create(
                page=self.section, restriction_type=PageViewRestriction.GROUPS
            )
            restriction.groups.add(Group.objects.create(name="Subscribers"))
        response = self.client.get(self.article.url)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotContains(response, "Harbour opens", status_code=response.status_code)

    def test_editing_todays_almanac_event_changes_on_this_day(self):
        today = dates.local_today(SiteSettings.for_site(self.site).zone)
        self.assertNotContains(self.client.get("/"), "The harbour bridge opened")
        with self.captureOnCommitCallbacks(execute=True):
            EventFactory(
                month=today.month, day=today.day, year=1932, text="The harbour bridge opened."
            )
        self.assertContains(self.client.get("/"), "The harbour bridge opened")

    def test_memo_is_off_without_a_token_source(self):
        calls = []
        memo.token_source_set(None)
        for _ in range(2):
            memo.site_memo("probe", lambda: calls.append(1) or len(calls))
        self.assertEqual(len(calls), 2)


@pytest.mark.usefixtures("site_memo_on")
class MemoQueryBudgetTests(WagtailPageTestCase):
    """With the memo warm, an uncached article render reads only the article's own data."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        sections = [
            SectionPageFactory(parent=cls.home, title=f"Desk {n}", slug=f"desk-{n}")
            for n in range(3)
        ]
        cls.article = ArticlePageFactory(
            parent=sections[0],
            title="Harbour report",
            published_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
            authors=[AuthorFactory()],
            tags=["harbour"],
            additional_sections=[sections[1]],
        )

    def test_article_render_queries(self):
        self.client.get(self.article.url)  # fills the memo
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.article.url)
        self.assertEqual(response.status_code, 200)
        # Page row, specific row, authors, tags, further sections, Related News.
        self.assertLessEqual(len(queries), 6, "\n".join(q["sql"][:120] for q in queries))
