"""The date pages (/on-this-day/ and /on-this-day/<month>-<day>/) and the RSS feed of the daily entry."""

from __future__ import annotations

import datetime as dt

import feedparser
from bs4 import BeautifulSoup
from django.test import override_settings
from wagtail.test.utils import WagtailPageTestCase

from dateline.almanac.factories import EventFactory
from dateline.almanac.models import Event
from dateline.almanac.tests.helpers import at
from dateline.core.services import site_settings_update
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page

UTC = dt.UTC


def listed(html: bytes, list_id: str = "events") -> list[tuple[str, str]]:
    """Return (year, text) of each event in a date page's list."""
    soup = BeautifulSoup(html, "html.parser")
    items = soup.select(f"ol#{list_id} li.almanac-event")
    rows = []
    for item in items:
        year = item.select_one(".almanac-event__year").get_text(strip=True)
        link = item.select_one("a")
        text = link.get_text(strip=True) if link else item.contents[2].strip()
        rows.append((year, text))
    return rows


class DatePageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        section = SectionPageFactory(parent=cls.home, title="World", slug="world")
        cls.story = ArticlePageFactory(
            parent=section,
            title="Story from 2019",
            published_at=dt.datetime(2019, 3, 9, 10, tzinfo=UTC),
        )
        EventFactory(month=3, day=9, year=1959, text="Later event")
        EventFactory(month=3, day=9, year=-44, text="Ancient event", link="https://example.org/a")
        EventFactory(month=3, day=9, year=1900, text="Not reviewed", status=Event.Status.NEW)
        EventFactory(month=3, day=10, year=1876, text="Next day's event")
        EventFactory(month=2, day=29, year=1940, text="Leap-day event")
        EventFactory(month=2, day=28, year=1953, text="Own 28 February event")

    def get(self, path: str, now: dt.datetime):
        with at(now):
            return self.client.get(path)

    def test_lists_every_reviewed_event_oldest_first_and_the_archive(self):
        response = self.get("/on-this-day/3-9/", dt.datetime(2026, 11, 27, 12, tzinfo=UTC))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            listed(response.content), [("44 BC", "Ancient event"), ("1959", "Later event")]
        )
        soup = BeautifulSoup(response.content, "html.parser")
        self.assertEqual(soup.h1.get_text(strip=True), "On this day: March 9")
        self.assertEqual(len(soup.find_all("h1")), 1)
        archive = [a.get_text(strip=True) for a in soup.select("#archive-heading ~ div a")]
        self.assertEqual(archive, ["Story from 2019"])
        self.assertEqual(soup.select_one('a[rel="next"]')["href"], "/on-this-day/3-10/")

    def test_today_page_is_the_newsrooms_today(self):
        site_settings_update(site=self.home.get_site(), time_zone="Asia/Shanghai")
        # 16:30 UTC on 9 March is 00:30 on 10 March in Shanghai.
        response = self.get("/on-this-day/", dt.datetime(2026, 3, 9, 16, 30, tzinfo=UTC))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(listed(response.content), [("1876", "Next day's event")])

    def test_impossible_dates_are_404(self):
        now = dt.datetime(2026, 11, 27, 12, tzinfo=UTC)
        for path in ("2-30", "4-31", "13-1", "0-5", "1-0", "00-00", "99-99", "3-x", "3-9-1"):
            with self.subTest(path=path):
                self.assertEqual(self.get(f"/on-this-day/{path}/", now).status_code, 404)
        self.assertEqual(self.get("/on-this-day/2-29/", now).status_code, 200)

    def test_28_february_carries_29_februarys_events_in_a_non_leap_year(self):
        response = self.get("/on-this-day/2-28/", dt.datetime(2027, 1, 5, tzinfo=UTC))
        self.assertEqual(listed(response.content), [("1953", "Own 28 February event")])
        self.assertEqual(listed(response.content, "leap-day"), [("1940", "Leap-day event")])
        response = self.get("/on-this-day/2-28/", dt.datetime(2028, 1, 5, tzinfo=UTC))
        self.assertEqual(listed(response.content, "leap-day"), [])
        response = self.get("/on-this-day/2-29/", dt.datetime(2027, 1, 5, tzinfo=UTC))
        self.assertEqual(listed(response.content), [("1940", "Leap-day event")])

    def test_block_names_29_february_when_showing_it_on_28_february(self):
        Event.objects.filter(text="Own 28 February event").update(status=Event.Status.NEW)
        response = self.get("/", dt.datetime(2027, 2, 28, 12, tzinfo=UTC))
        soup = BeautifulSoup(response.content, "html.parser")
        when = soup.select_one(".on-this-day__when").get_text(strip=True)
        self.assertEqual(when, "On February 29, 1940:")

    def test_event_text_is_escaped(self):
        EventFactory(month=4, day=1, year=1990, text="<script>alert(1)</script> happens")
        response = self.get("/on-this-day/4-1/", dt.datetime(2026, 11, 27, tzinfo=UTC))
        soup = BeautifulSoup(response.content, "html.parser")
        self.assertIsNone(soup.select_one("ol#events script"))
        self.assertEqual(listed(response.content)[0][1], "<script>alert(1)</script> happens")

    @override_settings(DATELINE_DISABLED_FEATURES=["almanac"])
    def test_switched_off(self):
        now = dt.datetime(2026, 3, 9, 12, tzinfo=UTC)
        self.assertEqual(self.get("/on-this-day/", now).status_code, 404)
        self.assertEqual(self.get("/on-this-day/feed/", now).status_code, 404)


class FeedTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        for back in range(10):
            day = dt.date(2026, 3, 9) - dt.timedelta(days=back)
            EventFactory(month=day.month, day=day.day, year=1960 + back, text=f"Event {day:%m-%d}")

    def feed(self, now: dt.datetime):
        with at(now):
            response = self.client.get("/on-this-day/feed/")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/rss+xml"))
        return feedparser.parse(response.content)

    def test_one_item_per_local_day_newest_first(self):
        parsed = self.feed(dt.datetime(2026, 3, 9, 12, tzinfo=UTC))
        self.assertFalse(parsed.bozo, parsed.get("bozo_exception"))
        self.assertEqual(parsed.feed.title, "On this day | Dateline")
        self.assertEqual(len(parsed.entries), 7)
        first = parsed.entries[0]
        self.assertEqual(first.title, "On this day in 1960: Event 03-09")
        self.assertEqual(first.id, "on-this-day:2026-03-09")
        self.assertTrue(first.link.endswith("/on-this-day/3-9/"))
        self.assertEqual(first.published_parsed[:3], (2026, 3, 9))
        self.assertEqual(len({entry.id for entry in parsed.entries}), 7)
        self.assertEqual(parsed.entries[-1].id, "on-this-day:2026-03-03")

    def test_follows_the_newsrooms_midnight(self):
        site_settings_update(site=self.home.get_site(), time_zone="Pacific/Kiritimati")
        # 10:01 UTC on 8 March is 00:01 on 9 March at UTC+14.
        parsed = self.feed(dt.datetime(2026, 3, 8, 10, 1, tzinfo=UTC))
        self.assertEqual(parsed.entries[0].id, "on-this-day:2026-03-09")
        parsed = self.feed(dt.datetime(2026, 3, 8, 9, 59, tzinfo=UTC))
        self.assertEqual(parsed.entries[0].id, "on-this-day:2026-03-08")
