"""The demo's On this day almanac: written for the project, one or more events for every day."""

from __future__ import annotations

import datetime as dt
import json

from django.test import SimpleTestCase, TestCase

from dateline.almanac.importing import parse_file
from dateline.almanac.models import Event
from dateline.almanac.selectors import on_this_day
from dateline.demo.loader import CONTENT_DIR, demo_almanac_load
from dateline.demo.tests.test_demo import FILLER_MARKERS

ALMANAC = CONTENT_DIR / "almanac.json"


class DemoAlmanacFileTests(SimpleTestCase):
    def setUp(self):
        self.parsed = parse_file(ALMANAC)

    def test_every_day_of_the_year_has_an_event(self):
        self.assertEqual(self.parsed.errors, [])
        days = {(row.month, row.day) for row in self.parsed.rows}
        leap_year = [dt.date(2028, 1, 1) + dt.timedelta(days=n) for n in range(366)]
        self.assertEqual(days, {(day.month, day.day) for day in leap_year})

    def test_short_single_sentences_without_filler(self):
        texts = [row.text for row in self.parsed.rows]
        self.assertEqual(len(texts), len(set(texts)))
        for text in texts:
            with self.subTest(text=text):
                self.assertLessEqual(len(text), 140)
                self.assertTrue(text[0].isupper() or text[0].isdigit() or text[0] == '"')
                self.assertTrue(text.endswith((".", '."', '".', ".”")))
        raw = ALMANAC.read_text(encoding="utf-8").lower()
        for marker in FILLER_MARKERS:
            self.assertNotIn(marker.lower(), raw)

    def test_every_event_has_topics(self):
        events = json.loads(ALMANAC.read_text(encoding="utf-8"))["events"]
        self.assertTrue(all(event["topics"] for event in events))


class DemoAlmanacLoadTests(TestCase):
    def test_loaded_reviewed_once(self):
        created = demo_almanac_load()
        self.assertGreaterEqual(created, 366)
        self.assertEqual(Event.objects.exclude(status=Event.Status.REVIEWED).count(), 0)
        self.assertEqual(demo_almanac_load(), 0)
        entry = on_this_day(day=dt.date(2026, 7, 20), zone=dt.UTC)
        self.assertEqual((entry.year, entry.source), (1969, "almanac"))
        self.assertEqual(on_this_day(day=dt.date(2027, 2, 28), zone=dt.UTC).month, 2)
