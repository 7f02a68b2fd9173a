"""The admin's clock is the newsroom's: times are typed, shown and labelled in its time zone."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from dateline.core.models import SiteSettings
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
)
from dateline.newsroom.models import ArticlePage


class AdminTimeZoneTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.section = SectionPageFactory(parent=home, title="Local", slug="local")
        cls.author = AuthorFactory(name="Ana Silva", slug="ana-silva")
        cls.article = ArticlePageFactory(
            parent=cls.section, title="Harbour plan", slug="harbour-plan"
        )
        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        settings.time_zone = "America/Los_Angeles"
        settings.save()
        cls.editor = get_user_model().objects.create_superuser("desk", "d@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.editor)

    def schedule(self, go_live_at: str):
        data = nested_form_data(
            {
                "title": "Harbour plan",
                "slug": "harbour-plan",
                "standfirst": "The port wants a new quay.",
                "body": streamfield(
                    [("paragraph", rich_text("<p>The council votes next week.</p>"))]
                ),
                "article_authors": inline_formset([{"author": self.author.pk}], min=1),
                "tags": "",
                "lead_image_caption": "",
                "lead_image_credit": "",
                "published_at": "",
                "updated_at": "",
                "featured_items": inline_formset([]),
                "go_live_at": go_live_at,
                "action-publish": "action-publish",
            }
        )
        edit_url = reverse("wagtailadmin_pages:edit", args=(self.article.pk,))
        response = self.client.post(edit_url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        return ArticlePage.objects.get(pk=self.article.pk).scheduled_revision

    def test_a_time_typed_in_the_admin_is_newsroom_time(self):
        # 09:00 in Los Angeles in January is 17:00 UTC (PST, UTC−8), not 09:00 UTC.
        revision = self.schedule("2030-01-10 09:00")
        self.assertEqual(
            revision.approved_go_live_at, dt.datetime(2030, 1, 10, 17, 0, tzinfo=dt.UTC)
        )

    def test_an_editors_own_zone_wins(self):
        profile = UserProfile.get_for_user(self.editor)
        profile.current_time_zone = "Europe/Paris"
        profile.save()
        revision = self.schedule("2030-01-10 09:00")
        self.assertEqual(
            revision.approved_go_live_at, dt.datetime(2030, 1, 10, 8, 0, tzinfo=dt.UTC)
        )

    def test_the_schedule_fields_name_the_zone(self):
        page = self.client.get(reverse("wagtailadmin_pages:edit", args=(self.article.pk,)))
        self.assertContains(page, "Time zone: America/Los_Angeles (UTC−0")

    def test_the_dashboard_lists_scheduled_stories_in_newsroom_time(self):
        self.schedule("2030-01-10 09:00")
        dashboard = self.client.get(reverse("wagtailadmin_home")).content.decode()
        self.assertIn("Times are in America/Los_Angeles", dashboard)
        start = dashboard.index('id="dateline-scheduled')
        panel = dashboard[start : start + 3000]
        self.assertIn("Harbour plan", panel)
        self.assertIn("Thu 10 Jan 2030, 09:00", panel)
        self.assertIn('datetime="2030-01-10T09:00:00-08:00"', panel)

    def test_account_preferences_name_the_newsroom_zone(self):
        # Finding: the empty choice read "Use server time zone", and Wagtail's script added UTC.
        page = self.client.get(reverse("wagtailadmin_account")).content.decode()
        self.assertNotIn("Use server time zone", page)
        self.assertIn("Use the newsroom&#x27;s time zone (Site settings)", page)
        self.assertIn('data-w-locale-server-time-zone-param="America/Los_Angeles"', page)
        self.assertNotIn('data-w-locale-server-time-zone-param="UTC"', page)
