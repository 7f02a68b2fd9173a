"""Share links (newsroom.sharing): an embargoed story's draft shown to a source without an account,
never cached or indexed, refused once expired, revoked or altered, and made only by its editors."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from dateline.cache import store
from dateline.cache.tests.test_page_cache import CACHE_HEADER, PageCacheTestCase
from dateline.core.testing import clock_at
from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.models import ShareLink
from dateline.newsroom.services import article_save
from dateline.newsroom.sharing import share_link_path

HEADLINE = "Harbour board names its new pilot"


class ShareLinkTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionPageFactory(parent=home_page(), title="Harbour", slug="harbour")
        cls.story = article_save(
            section=section,
            slug="new-pilot",
            title=HEADLINE,
            body=[{"type": "paragraph", "value": "<p>The board chose from four applicants.</p>"}],
            authors=[AuthorFactory()],
            embargo_until=timezone.now() + dt.timedelta(days=2),
        )
        users = get_user_model().objects
        cls.editor = users.create_user("editor", "e@example.org", "pw")
        cls.editor.groups.add(Group.objects.get(name="Editor"))
        cls.reporter = users.create_user("reporter", "r@example.org", "pw")
        cls.reporter.groups.add(Group.objects.get(name="Reporter"))

    def make_link(self, days: int = 3, note: str = "Ms Okafor, the harbour master") -> str:
        self.client.force_login(self.editor)
        admin = reverse("share_links", args=[self.story.pk])
        response = self.client.post(admin, {"action": "create", "days": days, "note": note})
        self.assertRedirects(response, admin)
        self.client.logout()
        self.client.cookies.clear()
        return share_link_path(ShareLink.objects.get(page=self.story))

    def test_a_source_reads_the_embargoed_draft_and_nothing_keeps_it(self):
        self.assertFalse(self.story.live)
        address = self.make_link()
        self.assertEqual(self.client.get(self.story.url or "/harbour/new-pilot/").status_code, 404)
        for _ in range(2):
            shown = self.client.get(address)
            self.assertEqual(shown.status_code, 200)
            self.assertContains(shown, HEADLINE)
            self.assertEqual(shown["Cache-Control"], "private, no-store")
            self.assertEqual(shown["X-Robots-Tag"], "noindex, nofollow")
            self.assertContains(shown, '<meta name="robots" content="noindex">')
            self.assertNotEqual(shown.get(CACHE_HEADER), "hit")
        key = store.page_key(scheme="http", host="testserver", path=address, query_string="")
        self.assertIsNone(key and store.entry_lookup(key), "the page cache never stores it")
        made = PageLogEntry.objects.get(page=self.story, action="dateline.share_link.create")
        self.assertEqual(made.user, self.editor)
        self.assertEqual(made.data["for"], "Ms Okafor, the harbour master")

    def test_it_stops_working_when_it_expires(self):
        address = self.make_link(days=1)
        with clock_at(timezone.now() + dt.timedelta(hours=23)):
            self.assertEqual(self.client.get(address).status_code, 200)
        with clock_at(timezone.now() + dt.timedelta(hours=25)):
            gone = self.client.get(address)
        self.assertEqual(gone.status_code, 410)
        self.assertContains(gone, "has expired", status_code=410)
        self.assertNotContains(gone, HEADLINE, status_code=410)
        self.assertEqual(gone["Cache-Control"], "private, no-store")

    def test_it_stops_working_when_revoked_and_the_history_says_who(self):
        address = self.make_link()
        link = ShareLink.objects.get(page=self.story)
        self.client.force_login(self.editor)
        self.client.post(
            reverse("share_links", args=[self.story.pk]), {"action": "revoke", "link": link.pk}
        )
        self.client.logout()
        self.client.cookies.clear()
        gone = self.client.get(address)
        self.assertContains(gone, "withdrawn", status_code=410)
        revoked = PageLogEntry.objects.get(page=self.story, action="dateline.share_link.revoke")
        self.assertEqual(revoked.user, self.editor)

    def test_an_altered_or_made_up_address_shows_nothing(self):
        address = self.make_link()
        token = address.strip("/").split("/")[-1]
        for wrong in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x", "a:b:c"):
            response = self.client.get(f"/share/{wrong}/")
            self.assertEqual(response.status_code, 410, wrong)
            self.assertNotContains(response, HEADLINE, status_code=410)

    def test_only_people_who_may_edit_the_story_make_links(self):
        self.client.force_login(self.reporter)
        admin = reverse("share_links", args=[self.story.pk])
        # Wagtail's admin answers a refused view with a redirect and "Sorry, you do not have
        # permission".
        refused = self.client.get(admin)
        self.assertEqual(refused.status_code, 302)
        self.assertNotEqual(refused["Location"], admin)
        self.client.post(admin, {"action": "create", "days": 3})
        self.assertFalse(ShareLink.objects.exists())
        self.client.force_login(self.editor)
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.story.pk]))
        self.assertContains(edit, admin, msg_prefix="the story's header offers its share links")
