"""`next_local_midnight`: the end of the newsroom's local day, across zones and DST changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.test import SimpleTestCase

from dateline.core.dates import next_local_midnight, seconds_until_local_midnight


class NextLocalMidnightTests(SimpleTestCase):
    def test_midnight_follows_the_newsroom_zone_not_utc(self):
        zone = zoneinfo.ZoneInfo("Asia/Shanghai")
        now = dt.datetime(2024, 3, 10, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
        self.assertEqual(
            next_local_midnight(zone, now=now), dt.datetime(2024, 3, 10, 16, 0, tzinfo=dt.UTC)
        )
        self.assertEqual(seconds_until_local_midnight(zone, now=now), 60)

    def test_a_25_hour_day_ends_at_the_right_instant(self):
        zone = zoneinfo.ZoneInfo("Europe/London")
        now = dt.datetime(2024, 10, 27, 0, 30, tzinfo=zone)  # clocks go back at 02:00 that day
        end = next_local_midnight(zone, now=now)
        self.assertEqual(end, dt.datetime(2024, 10, 28, 0, 0, tzinfo=dt.UTC))
        self.assertEqual(end.astimezone(zone).hour, 0)
