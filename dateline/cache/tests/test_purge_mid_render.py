"""Purges that land while a page renders: a page is kept unless one of its own tags was purged.

Seen under load (bench/load_publish.py): with a purge every 2 s and renders slower than that, a rule
that dropped every render overlapping any purge left the busiest pages uncached.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from dateline.cache import store
from dateline.cache.middleware import PageCacheMiddleware
from dateline.cache.services import cache_purge
from dateline.cache.tests.test_page_cache import PageCacheTestCase
from dateline.core.cachetags import cache_tags_add


class PurgeMidRenderTests(PageCacheTestCase):
    def setUp(self):
        super().setUp()
        self.during = lambda: None  # what happens while the next render runs
        self.version = 0

    def render(self, request):
        cache_tags_add(request, "page-1")
        self.during()
        self.version += 1
        return HttpResponse(f"version {self.version}")

    def get(self) -> tuple[str, str]:
        request = RequestFactory().get("/story/", HTTP_HOST="testserver")
        response = PageCacheMiddleware(self.render)(request)
        return response["X-Dateline-Cache"], response.content.decode()

    def test_a_page_stored_before_survives_an_unrelated_purge_mid_render(self):
        self.get()
        cache_purge(tags=["page-1"])
        self.during = lambda: cache_purge(tags=["page-2"])
        self.assertEqual(self.get(), ("miss", "version 2"))
        self.during = lambda: None
        self.assertEqual(self.get(), ("hit", "version 2"))

    def test_a_purge_of_its_own_tag_mid_render_is_not_kept(self):
        self.get()
        cache_purge(tags=["page-1"])
        self.during = lambda: cache_purge(tags=["page-1"])
        self.assertEqual(self.get(), ("miss", "version 2"))
        self.during = lambda: None
        self.assertEqual(self.get(), ("miss", "version 3"))
        self.assertEqual(self.get(), ("hit", "version 3"))

    def test_a_tag_purged_before_the_purge_token_moved_is_not_kept(self):
        # A purge writes the tags' new versions, then moves the global token: a render finishing
        # between the two must not be stored under the new versions with data read before them.
        self.get()
        cache_purge(tags=["page-1"])

        def tags_written_token_not_moved():
            store.store().set(store.tag_key("page-1"), store.new_token(), timeout=None)

        self.during = tags_written_token_not_moved
        self.get()
        self.during = lambda: None
        self.assertEqual(self.get(), ("miss", "version 3"))

    def test_a_page_never_stored_is_still_dropped_after_any_purge_mid_render(self):
        self.during = lambda: cache_purge(tags=["page-2"])
        self.get()
        self.during = lambda: None
        self.assertEqual(self.get(), ("miss", "version 2"))
