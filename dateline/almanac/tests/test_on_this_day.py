"""The archive path of On this day: the site's own stories from the same local day in earlier years,
used when the almanac has no reviewed event for the day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.test import override_settings
from wagtail.test.utils import WagtailPageTestCase

from dateline.almanac.selectors import on_this_day
from dateline.almanac.tests.helpers import block_of
from dateline.core.models import SiteSettings
from dateline.core.services import site_settings_update
from dateline.core.testing import clock_at
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class OnThisDayTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        section = SectionPageFactory(parent=cls.home, title="World", slug="world")
        # 23:30 UTC on 8 March 2019 is already 9 March in Shanghai.
        cls.late = ArticlePageFactory(
            parent=section,
            title="Late story",
            published_at=dt.datetime(2019, 3, 8, 23, 30, tzinfo=dt.UTC),
        )
        cls.same_year = ArticlePageFactory(
            parent=section,
            title="This year's story",
            published_at=dt.datetime(2026, 3, 9, 4, tzinfo=dt.UTC),
        )
        cls.draft = ArticlePageFactory(
            parent=section,
            title="Draft story",
            live=False,
            published_at=dt.datetime(2018, 3, 9, 4, tzinfo=dt.UTC),
        )

    def test_matches_the_local_day(self):
        entry = on_this_day(day=dt.date(2026, 3, 9), zone=SHANGHAI)
        self.assertIsNotNone(entry)
        self.assertEqual((entry.year, entry.text), (2019, "Late story"))
        self.assertIsNone(on_this_day(day=dt.date(2026, 3, 8), zone=SHANGHAI))

    def test_in_utc_the_story_belongs_to_the_day_before(self):
        entry = on_this_day(day=dt.date(2026, 3, 8), zone=dt.UTC)
        self.assertEqual(entry.text, "Late story")

    def test_only_earlier_years_and_only_published(self):
        entry = on_this_day(day=dt.date(2026, 3, 9), zone=SHANGHAI)
        self.assertNotEqual(entry.text, "This year's story")
        self.assertNotEqual(entry.text, "Draft story")

    def test_block_states_the_year_and_follows_newsroom_time(self):
        site_settings_update(site=self.home.get_site(), time_zone="Asia/Shanghai")
        # 16:30 UTC on 8 March is 00:30 on 9 March in Shanghai.
        now = dt.datetime(2026, 3, 8, 16, 30, tzinfo=dt.UTC)
        with clock_at(now):
            html = self.client.get("/").content.decode()
        block = block_of(html)
        self.assertEqual(block["when"], "On this day in 2019:")
        self.assertEqual(block["text"], "Late story")
        self.assertEqual(block["link"], self.late.url)
        self.assertEqual(block["more"], "/on-this-day/3-9/")
        self.assertIn("From our archive", html)

    def test_block_hidden_when_nothing_matches(self):
        now = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
        with clock_at(now):
            html = self.client.get("/").content.decode()
        self.assertNotIn("On this day", html)

    @override_settings(DATELINE_DISABLED_FEATURES=["almanac"])
    def test_block_can_be_switched_off(self):
        now = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)
        with clock_at(now):
            html = self.client.get("/").content.decode()
        self.assertNotIn("On this day", html)
        self.assertEqual(SiteSettings.objects.count(), 1)
