"""Importing almanac files: CSV, JSON, the Wikipedia layout; bad rows; re-imports; the command."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from taggit.models import Tag

from dateline.almanac.importing import (
    WIKIPEDIA_SOURCE,
    AlmanacFileError,
    parse_csv,
    parse_json,
    parse_year,
)
from dateline.almanac.models import Event, event_key
from dateline.almanac.services import events_import
from dateline.core.testing import shared_data

CSV_TEXT = """month,day,year,text,link,source,topics,weight,pinned
7,20,1969,Apollo 11 lands on the Moon.,https://example.org/apollo,NASA,space;Moon,9,yes
3,15,44 BC,Julius Caesar is killed.,,,ancient rome,,
2,30,1990,An impossible date.,,,,,
4,1,0,Year zero.,,,,,
5,5,1961,,,,,,
6,6,1944,Bad link.,javascript:alert(1),,,,
6,6,1944,Bad weight.,,,,11,
1,1,1999,Too,many,columns,here,1,no,extra
2,29,1940,A leap-day event.,,,film,3,no
"""


class ParseTests(SimpleTestCase):
    def test_years(self):
        self.assertEqual(parse_year("1983"), 1983)
        self.assertEqual(parse_year("-44"), -44)
        self.assertEqual(parse_year("44 BC"), -44)
        self.assertEqual(parse_year("753 bce"), -753)
        self.assertEqual(parse_year("AD 79"), 79)
        for bad in ("0", "soon", "3000", True, "19 83"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_year(bad)

    def test_csv_good_and_bad_rows_by_line(self):
        parsed = parse_csv(CSV_TEXT)
        self.assertEqual(
            [(r.month, r.day, r.year) for r in parsed.rows],
            [(7, 20, 1969), (3, 15, -44), (2, 29, 1940)],
        )
        apollo = parsed.rows[0]
        self.assertEqual(apollo.topics, ("space", "Moon"))
        self.assertEqual((apollo.weight, apollo.pinned, apollo.source), (9, True, "NASA"))
        self.assertEqual(
            [error.where for error in parsed.errors],
            ["line 4", "line 5", "line 6", "line 7", "line 8", "line 9"],
        )
        self.assertIn("day 30", parsed.errors[0].message)
        self.assertIn("year 0", parsed.errors[1].message)
        self.assertIn("text", parsed.errors[2].message)
        self.assertIn("link", parsed.errors[3].message)
        self.assertIn("weight", parsed.errors[4].message)
        self.assertIn("columns", parsed.errors[5].message)

    def test_csv_needs_the_columns(self):
        with self.assertRaises(AlmanacFileError):
            parse_csv("when,what\n1 May,Something\n")

    def test_json_records_by_index(self):
        data = {
            "events": [
                {"month": 1, "day": 1, "year": 1801, "text": "A union.", "topics": ["politics"]},
                {"month": 1, "day": 32, "year": 1801, "text": "No such day."},
                "not an object",
            ]
        }
        parsed = parse_json(json.dumps(data))
        self.assertEqual(len(parsed.rows), 1)
        self.assertEqual([error.where for error in parsed.errors], ["events[1]", "events[2]"])
        self.assertEqual(parse_json(json.dumps(data["events"])).errors[0].where, "[1]")

    def test_wikipedia_layout_by_key(self):
        data = {
            "3": {"15": ["-44: Caesar is killed.", "no year here", "1990: Fine."]},
            "2": {"29": ["1940: Leap."]},
        }
        parsed = parse_json(json.dumps(data))
        self.assertEqual(parsed.layout, "wikipedia")
        self.assertEqual(
            [(r.year, r.text) for r in parsed.rows],
            [(-44, "Caesar is killed."), (1990, "Fine."), (1940, "Leap.")],
        )
        self.assertEqual(parsed.rows[0].source, WIKIPEDIA_SOURCE)
        self.assertEqual(
            [str(error) for error in parsed.errors], ["3/15 #2: not a 'YEAR: text' line"]
        )

    def test_unknown_json(self):
        for text in ('{"a": 1}', "42", "{not json"):
            with self.subTest(text=text), self.assertRaises(AlmanacFileError):
                parse_json(text)


class ImportTests(TestCase):
    def test_unreviewed_unless_asked_and_no_duplicates(self):
        rows = parse_csv(CSV_TEXT).rows
        first = events_import(rows=rows)
        self.assertEqual((first.created, first.existing), (3, 0))
        self.assertEqual(set(Event.objects.values_list("status", flat=True)), {Event.Status.NEW})
        again = events_import(rows=rows, reviewed=True)
        self.assertEqual((again.created, again.existing), (0, 3))
        self.assertEqual(Event.objects.count(), 3)
        # Spacing and case do not make a new event.
        variant = parse_csv("month,day,year,text\n7,20,1969,apollo 11  LANDS on the Moon\n").rows
        self.assertEqual(events_import(rows=variant).existing, 1)

    def test_editors_changes_survive_a_reimport(self):
        rows = parse_csv(CSV_TEXT).rows
        events_import(rows=rows)
        event = Event.objects.get(year=1969)
        event.text = "Apollo 11's lunar module lands on the Moon."
        event.status = Event.Status.REVIEWED
        event.save()
        self.assertEqual(events_import(rows=rows).created, 0)
        event.refresh_from_db()
        self.assertEqual(
            (event.text, event.status), ("Apollo 11's lunar module lands on the Moon.", "reviewed")
        )

    def test_topics_are_shared_tags_matched_without_case(self):
        Tag.objects.create(name="Space", slug="space")
        events_import(rows=parse_csv(CSV_TEXT).rows, reviewed=True)
        apollo = Event.objects.get(year=1969)
        self.assertEqual(sorted(tag.name for tag in apollo.topics.all()), ["Moon", "Space"])
        self.assertEqual(Tag.objects.filter(name__iexact="space").count(), 1)

    def test_repeats_within_a_file_are_stored_once(self):
        text = "month,day,year,text\n1,1,1900,Same.\n1,1,1900,Same.\n"
        report = events_import(rows=parse_csv(text).rows)
        self.assertEqual((report.created, report.repeated), (1, 1))

    def test_natural_key(self):
        self.assertEqual(
            event_key(month=7, day=20, year=1969, text="Apollo 11 lands."),
            event_key(month=7, day=20, year=1969, text="  apollo 11 LANDS "),
        )
        self.assertNotEqual(
            event_key(month=7, day=20, year=1969, text="Apollo 11 lands."),
            event_key(month=7, day=21, year=1969, text="Apollo 11 lands."),
        )


class CommandTests(TestCase):
    def run_command(self, name: str, content: str, *args: str) -> tuple[str, str]:
        folder = Path(tempfile.mkdtemp(prefix="almanac-test-"))
        path = folder / name
        path.write_text(content, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        call_command("almanac", "import", str(path), *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_csv_import_reports_counts_and_bad_lines(self):
        out, err = self.run_command("events.csv", CSV_TEXT)
        self.assertIn("csv layout, 3 good rows, 6 bad rows", out)
        self.assertIn("Imported 3 new events; 0 already in the almanac", out)
        self.assertIn("skipped line 4: day 30 does not exist in month 2", err)
        self.assertEqual(Event.objects.filter(status=Event.Status.NEW).count(), 3)
        out, _err = self.run_command("events.csv", CSV_TEXT, "--reviewed")
        self.assertIn("Imported 0 new events; 3 already in the almanac", out)

    def test_reviewed_flag_and_dry_run(self):
        data = json.dumps({"1": {"1": ["1801: A union.", "1999: A currency."]}})
        out, _err = self.run_command("history.json", data, "--dry-run")
        self.assertIn("Dry run", out)
        self.assertEqual(Event.objects.count(), 0)
        self.run_command("history.json", data, "--reviewed")
        self.assertEqual(Event.objects.filter(status=Event.Status.REVIEWED).count(), 2)

    def test_unreadable_file_is_a_command_error(self):
        with self.assertRaises(CommandError):
            self.run_command("broken.json", '{"x": 1}')
        with self.assertRaises(CommandError):
            call_command("almanac", "import", "/nonexistent/file.csv")


class WikipediaFileTests(TestCase):
    """The real Wikipedia file (18,587 events), imported twice: the slowest almanac test (10-20 s per
    database on a busy 2-core machine); skipped when the shared data folder is absent (a failure
    under CI=true)."""

    def test_full_file_imports_and_reimport_adds_nothing(self):
        history = shared_data("onthisday-wikipedia-events", "history.json")
        out = io.StringIO()
        call_command("almanac", "import", str(history), stdout=out, stderr=io.StringIO())
        self.assertIn("Imported 18587 new events; 0 already in the almanac", out.getvalue())
        self.assertEqual(Event.objects.count(), 18587)
        self.assertEqual(Event.objects.filter(year__lt=0).count(), 94)
        self.assertFalse(Event.objects.exclude(status=Event.Status.NEW).exists())
        out = io.StringIO()
        call_command("almanac", "import", str(history), stdout=out, stderr=io.StringIO())
        self.assertIn("Imported 0 new events; 18587 already in the almanac", out.getvalue())
        self.assertEqual(Event.objects.count(), 18587)
