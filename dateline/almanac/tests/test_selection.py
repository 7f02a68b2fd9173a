"""Which entry the block shows: reviewed events only, pinned first, then round anniversaries, then
a weighted rotation from year to year; 29 February; the archive fallback; hiding the block."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.test import SimpleTestCase, TestCase

from dateline.almanac.days import is_round_anniversary, year_label, years_between
from dateline.almanac.factories import EventFactory
from dateline.almanac.models import Event
from dateline.almanac.selectors import on_this_day, weighted_turn
from dateline.almanac.tests.helpers import at, block_of
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page

UTC = dt.UTC


class CalendarTests(SimpleTestCase):
    def test_round_anniversaries(self):
        marked = [years for years in range(1, 301) if is_round_anniversary(years)]
        self.assertEqual(marked[:6], [10, 25, 50, 75, 100, 125])
        self.assertNotIn(20, marked)
        self.assertNotIn(30, marked)

    def test_bc_years_have_no_year_zero(self):
        self.assertEqual(years_between(-1, 1), 1)
        self.assertEqual(years_between(-44, 2026), 2069)
        self.assertEqual(years_between(1983, 2033), 50)
        self.assertEqual(year_label(-44), "44 BC")
        self.assertEqual(year_label(1983), "1983")

    def test_weighted_turns_are_fair_and_spread(self):
        weights = [5, 3, 1]
        turns = [weighted_turn(weights, turn=year) for year in range(2000, 2009)]
        self.assertEqual(Counter(turns), Counter({0: 5, 1: 3, 2: 1}))
        # Spread out: the heaviest never takes three turns in a row.
        self.assertNotIn([0, 0, 0], [turns[i : i + 3] for i in range(len(turns) - 2)])
        # Deterministic: the same turn always gives the same answer.
        self.assertEqual(turns, [weighted_turn(weights, turn=year) for year in range(2000, 2009)])

    def test_weighted_turn_needs_a_weight(self):
        with self.assertRaises(ValueError):
            weighted_turn([0, 0], turn=1)


def pick(day: dt.date):
    return on_this_day(day=day, zone=UTC)


class SelectionOrderTests(TestCase):
    def test_only_reviewed_events_from_earlier_years(self):
        EventFactory(month=5, day=4, year=1901, text="Awaiting review", status=Event.Status.NEW)
        EventFactory(month=5, day=4, year=1902, text="Rejected", status=Event.Status.REJECTED)
        EventFactory(month=5, day=4, year=2026, text="This very day")
        self.assertIsNone(pick(dt.date(2026, 5, 4)))
        EventFactory(month=5, day=4, year=1903, text="Reviewed")
        entry = pick(dt.date(2026, 5, 4))
        self.assertEqual((entry.year, entry.text, entry.source), (1903, "Reviewed", "almanac"))

    def test_pinned_first_then_round_anniversary_then_weight(self):
        day = dt.date(2026, 6, 1)
        EventFactory(month=6, day=1, year=1990, text="Heavy", weight=10)
        EventFactory(month=6, day=1, year=1976, text="Fiftieth", weight=1)  # 50 years in 2026
        self.assertEqual(pick(day).text, "Fiftieth")
        # Next year it is no round anniversary, so weight decides.
        self.assertEqual(pick(day.replace(year=2027)).text, "Heavy")
        EventFactory(month=6, day=1, year=1800, text="Pinned", weight=1, pinned=True)
        self.assertEqual(pick(day).text, "Pinned")
        self.assertEqual(pick(day.replace(year=2027)).text, "Pinned")

    def test_weight_zero_stays_out_of_the_block_unless_pinned(self):
        zero = EventFactory(month=6, day=2, year=1950, text="Quiet", weight=0)
        self.assertIsNone(pick(dt.date(2026, 6, 2)))
        zero.pinned = True
        zero.save()
        self.assertEqual(pick(dt.date(2026, 6, 2)).text, "Quiet")

    def test_rotation_gives_each_event_its_share_across_years(self):
        EventFactory(month=6, day=3, year=1901, text="A", weight=2)
        EventFactory(month=6, day=3, year=1902, text="B", weight=1)
        EventFactory(month=6, day=3, year=1903, text="C", weight=1)
        # Years without a round anniversary for any of the three (ages ending in 0/5 avoided).
        years = [
            y
            for y in range(2031, 2100)
            if not any(is_round_anniversary(y - born) for born in (1901, 1902, 1903))
        ][:8]
        shown = Counter(pick(dt.date(year, 6, 3)).text for year in years)
        self.assertEqual(set(shown), {"A", "B", "C"})
        self.assertGreater(shown["A"], shown["B"])

    def test_same_day_same_answer(self):
        for year in (1901, 1902, 1903):
            EventFactory(month=6, day=4, year=year)
        first = pick(dt.date(2026, 6, 4))
        self.assertEqual([pick(dt.date(2026, 6, 4)) for _ in range(3)], [first] * 3)

    def test_several_pinned_take_turns(self):
        EventFactory(month=6, day=5, year=1901, text="Pin one", pinned=True)
        EventFactory(month=6, day=5, year=1902, text="Pin two", pinned=True)
        EventFactory(month=6, day=5, year=1903, text="Unpinned", weight=10)
        shown = {pick(dt.date(year, 6, 5)).text for year in range(2030, 2034)}
        self.assertEqual(shown, {"Pin one", "Pin two"})

    def test_bc_event_states_its_era(self):
        EventFactory(month=3, day=15, year=-44, text="Caesar is killed.")
        entry = pick(dt.date(2026, 3, 15))
        self.assertEqual((entry.year, entry.year_label), (-44, "44 BC"))


class LeapDayTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        EventFactory(month=2, day=29, year=1940, text="Leap-day event")
        EventFactory(month=3, day=1, year=1950, text="First of March")

    def test_shown_on_29_february_in_a_leap_year(self):
        entry = pick(dt.date(2028, 2, 29))
        self.assertEqual((entry.text, entry.month, entry.day), ("Leap-day event", 2, 29))

    def test_not_on_28_february_of_a_leap_year(self):
        self.assertIsNone(pick(dt.date(2028, 2, 28)))

    def test_on_28_february_of_a_non_leap_year_when_the_day_has_none(self):
        entry = pick(dt.date(2027, 2, 28))
        self.assertEqual((entry.text, entry.month, entry.day), ("Leap-day event", 2, 29))
        self.assertEqual(entry.date_label, "February 29")

    def test_after_28_february_own_events(self):
        EventFactory(month=2, day=28, year=1953, text="Own event", weight=1)
        self.assertEqual(pick(dt.date(2027, 2, 28)).text, "Own event")

    def test_not_on_1_march(self):
        self.assertEqual(pick(dt.date(2027, 3, 1)).text, "First of March")


class FallbackTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        section = SectionPageFactory(parent=home, title="World", slug="world")
        cls.story = ArticlePageFactory(
            parent=section,
            title="Archive story",
            published_at=dt.datetime(2020, 7, 7, 9, tzinfo=UTC),
        )

    def test_no_events_falls_back_to_the_archive(self):
        entry = pick(dt.date(2026, 7, 7))
        self.assertEqual((entry.source, entry.text, entry.year), ("archive", "Archive story", 2020))

    def test_unreviewed_events_do_not_displace_the_archive(self):
        EventFactory(month=7, day=7, year=1900, status=Event.Status.NEW)
        self.assertEqual(pick(dt.date(2026, 7, 7)).source, "archive")

    def test_an_event_wins_over_the_archive(self):
        EventFactory(month=7, day=7, year=1900, text="Almanac wins")
        self.assertEqual(pick(dt.date(2026, 7, 7)).text, "Almanac wins")

    def test_neither_hides_the_block(self):
        self.assertIsNone(pick(dt.date(2026, 7, 8)))
        with at(dt.datetime(2026, 7, 8, 12, tzinfo=UTC)):
            page = self.client.get("/")
        self.assertEqual(page.status_code, 200)
        self.assertIsNone(block_of(page.content))
        self.assertNotIn(b"on-this-day-heading", page.content)


class QueryCountTests(TestCase):
    def test_block_reads_events_in_one_query_and_the_archive_in_two_more(self):
        for year in range(1900, 1960):
            EventFactory(month=8, day=8, year=year)
        with self.assertNumQueries(1):
            self.assertIsNotNone(pick(dt.date(2026, 8, 8)))
        # Events, then Wagtail's view restrictions (for `.public()`) and the archive stories.
        with self.assertNumQueries(3):
            self.assertIsNone(pick(dt.date(2026, 8, 9)))
