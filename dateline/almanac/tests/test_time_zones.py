"""The block follows the newsroom's local date: 23:59 and 00:01 either side of local midnight at
UTC-10, UTC, UTC+8 and UTC+14, and on the days clocks change."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from wagtail.test.utils import WagtailPageTestCase

from dateline.almanac.factories import EventFactory
from dateline.almanac.tests.helpers import at, block_of
from dateline.core.services import site_settings_update
from dateline.newsroom.factories import home_page

ZONES = {
    "Pacific/Honolulu": -10,
    "UTC": 0,
    "Asia/Shanghai": 8,
    "Pacific/Kiritimati": 14,
}
DAYS = [dt.date(2026, 6, 14) + dt.timedelta(days=n) for n in range(3)] + [
    dt.date(2026, 3, 7),
    dt.date(2026, 3, 8),
    dt.date(2026, 3, 9),
    dt.date(2026, 3, 28),
    dt.date(2026, 3, 29),
    dt.date(2026, 3, 30),
    dt.date(2026, 10, 24),
    dt.date(2026, 10, 25),
    dt.date(2026, 10, 26),
    dt.date(2026, 10, 31),
    dt.date(2026, 11, 1),
    dt.date(2026, 11, 2),
]


def label(day: dt.date) -> str:
    return f"What happened on {day:%m-%d}."


class LocalMidnightTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        for day in DAYS:
            EventFactory(month=day.month, day=day.day, year=1950, text=label(day))

    def shown_at(self, zone_name: str, local: dt.datetime) -> dict:
        site_settings_update(site=self.home.get_site(), time_zone=zone_name)
        with at(local.replace(tzinfo=zoneinfo.ZoneInfo(zone_name))):
            response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        return block_of(response.content)

    def test_either_side_of_local_midnight(self):
        for zone_name, offset in ZONES.items():
            zone = zoneinfo.ZoneInfo(zone_name)
            self.assertEqual(
                dt.datetime(2026, 6, 15, 12, tzinfo=zone).utcoffset(), dt.timedelta(hours=offset)
            )
            with self.subTest(zone=zone_name, at="23:59"):
                block = self.shown_at(zone_name, dt.datetime(2026, 6, 15, 23, 59))
                self.assertEqual(block["text"], label(dt.date(2026, 6, 15)))
                self.assertEqual(block["when"], "On this day in 1950:")
                self.assertEqual(block["more"], "/on-this-day/6-15/")
            with self.subTest(zone=zone_name, at="00:01"):
                block = self.shown_at(zone_name, dt.datetime(2026, 6, 16, 0, 1))
                self.assertEqual(block["text"], label(dt.date(2026, 6, 16)))
                self.assertEqual(block["more"], "/on-this-day/6-16/")

    def test_far_from_utc_the_utc_date_is_not_used(self):
        # 00:01 on 16 June at UTC+14 is still 15 June in UTC; 23:59 on 15 June at UTC-10 is
        # already 16 June in UTC. Both must show the local day.
        block = self.shown_at("Pacific/Kiritimati", dt.datetime(2026, 6, 16, 0, 1))
        self.assertEqual(block["text"], label(dt.date(2026, 6, 16)))
        block = self.shown_at("Pacific/Honolulu", dt.datetime(2026, 6, 15, 23, 59))
        self.assertEqual(block["text"], label(dt.date(2026, 6, 15)))

    def test_clock_change_days(self):
        cases = [
            # London springs forward at 01:00 UTC on 29 March 2026.
            ("Europe/London", dt.datetime(2026, 3, 28, 23, 59), dt.date(2026, 3, 28)),
            ("Europe/London", dt.datetime(2026, 3, 29, 0, 1), dt.date(2026, 3, 29)),
            ("Europe/London", dt.datetime(2026, 3, 29, 23, 59), dt.date(2026, 3, 29)),
            ("Europe/London", dt.datetime(2026, 3, 30, 0, 1), dt.date(2026, 3, 30)),
            # ... and falls back at 01:00 UTC on 25 October.
            ("Europe/London", dt.datetime(2026, 10, 24, 23, 59), dt.date(2026, 10, 24)),
            ("Europe/London", dt.datetime(2026, 10, 25, 0, 1), dt.date(2026, 10, 25)),
            ("Europe/London", dt.datetime(2026, 10, 25, 23, 59), dt.date(2026, 10, 25)),
            # New York springs forward on 8 March and falls back on 1 November.
            ("America/New_York", dt.datetime(2026, 3, 7, 23, 59), dt.date(2026, 3, 7)),
            ("America/New_York", dt.datetime(2026, 3, 8, 0, 1), dt.date(2026, 3, 8)),
            ("America/New_York", dt.datetime(2026, 3, 8, 23, 59), dt.date(2026, 3, 8)),
            ("America/New_York", dt.datetime(2026, 3, 9, 0, 1), dt.date(2026, 3, 9)),
            ("America/New_York", dt.datetime(2026, 10, 31, 23, 59), dt.date(2026, 10, 31)),
            ("America/New_York", dt.datetime(2026, 11, 1, 1, 30, fold=1), dt.date(2026, 11, 1)),
            ("America/New_York", dt.datetime(2026, 11, 1, 23, 59), dt.date(2026, 11, 1)),
            ("America/New_York", dt.datetime(2026, 11, 2, 0, 1), dt.date(2026, 11, 2)),
        ]
        for zone_name, local, expected in cases:
            with self.subTest(zone=zone_name, local=local.isoformat()):
                self.assertEqual(self.shown_at(zone_name, local)["text"], label(expected))
