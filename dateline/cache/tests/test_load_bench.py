"""The stale-page judge of bench/load_publish.py: a benchmark that passes must mean no stale page.

The benchmark itself runs outside the test suite (docs/operations.md); its verdict rests on
`is_stale`, so that rule is tested here on responses written by hand.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from django.test import SimpleTestCase

_PATH = Path(__file__).resolve().parents[3] / "bench" / "load_publish.py"
_spec = importlib.util.spec_from_file_location("bench_load_publish", _PATH)
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # dataclasses look their module up while the class is built
_spec.loader.exec_module(bench)

# Edit 1 returned at t=10, edit 2 at t=20; new story 1 returned at t=20.5.
EDITS = [10.0, 20.0]
NEWS = [20.5]


def response(kind: str, started: float, *, edit=None, new=None, status=200):
    return bench.Response(kind, started, 0.01, status, False, edit, new)


def stale(item) -> bool:
    return bench.is_stale(item, edits=EDITS, news=NEWS)


class StaleJudgeTests(SimpleTestCase):
    def test_the_edited_page_must_show_every_revision_returned_before_the_request(self):
        self.assertFalse(stale(response("edited", 5, edit=0)))
        self.assertFalse(stale(response("edited", 15, edit=1)))
        self.assertTrue(stale(response("edited", 15, edit=0)))
        self.assertTrue(stale(response("edited", 25, edit=1)))
        # A request sent before the publish returned may show either version.
        self.assertFalse(stale(response("edited", 19.9, edit=1)))

    def test_the_edited_page_without_its_headline_is_stale(self):
        self.assertTrue(stale(response("edited", 5)))

    def test_listings_show_the_revision_where_they_show_the_story_and_the_newest_story(self):
        self.assertFalse(stale(response("home", 15, edit=1)))
        self.assertFalse(stale(response("section", 15)))  # the story has left the listing
        self.assertTrue(stale(response("section", 15, edit=0)))
        self.assertFalse(stale(response("home", 21, edit=2, new=1)))
        self.assertTrue(stale(response("home", 21, edit=2)))  # the new story is missing
        self.assertFalse(stale(response("home", 20.2, edit=2)))  # before it returned

    def test_other_pages_and_failed_answers_are_not_judged_stale(self):
        self.assertFalse(stale(response("other", 25)))
        self.assertFalse(stale(response("edited", 25, status=500)))

    def test_figures_count_5xx_errors_and_stale_responses(self):
        publishes = [("edit", 1, 9.5, 10.0), ("edit", 2, 19.5, 20.0), ("new", 1, 20.1, 20.5)]
        figures = bench.figures_of(
            [
                response("edited", 25, edit=2),
                response("edited", 25, edit=1),
                response("home", 1, status=503),
                response("other", 1, status=0),
            ],
            seconds=1,
            publishes=publishes,
        )
        self.assertEqual((figures.requests, figures.stale), (3, 1))
        self.assertEqual((figures.server_errors, figures.errors), (1, 1))
        self.assertTrue(figures.failed())
