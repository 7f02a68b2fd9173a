"""The scoring engine on its own: features, hostile input, and the score command's CSV round-trip."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
from django.core.management import call_command
from django.test import SimpleTestCase

from dateline.related import engine, semantic
from dateline.related.config import related_mode
from dateline.related.tests.helpers import score_csv


class EngineTests(SimpleTestCase):
    def test_names_are_capitalised_runs_not_sentence_openers(self):
        names = engine.text_names(
            "Officials said Wang Yi met Sergei Lavrov in Beijing. Beijing hosted the Bank of "
            "England's governor."
        )
        self.assertIn("wang yi", names)
        self.assertIn("sergei lavrov", names)
        self.assertIn("beijing", names)
        self.assertIn("bank of england", names)
        self.assertNotIn("officials", names)

    def test_stemming_joins_plurals(self):
        self.assertEqual(engine.text_terms("sanctions sanction"), ["sanction", "sanction"])

    def test_hostile_and_empty_texts_score_zero_without_error(self):
        hostile = [
            "",
            "   ",
            "<script>alert(1)</script>",
            "<p><b>&amp;&#x27;&quot;</b></p>",
            "\x00\x01\ufffd",
            "€" * 10000,
            "A " * 50000,
            "<" * 1000,
        ]
        scores = engine.texts_score((text, "") for text in hostile)
        self.assertEqual(scores, [0.0] * len(hostile))
        scores = engine.texts_score((text, text) for text in hostile)
        self.assertTrue(all(0.0 <= value <= 1.0 + 1e-6 for value in scores))

    def test_same_story_scores_higher_than_another_topic(self):
        same, other = engine.texts_score(
            [
                (
                    "Wang Yi met Sergei Lavrov in Beijing to discuss cooperation.",
                    "Sergei Lavrov and Wang Yi discussed cooperation in Beijing.",
                ),
                (
                    "Wang Yi met Sergei Lavrov in Beijing to discuss cooperation.",
                    "Snow closed roads in Millbrook overnight.",
                ),
            ]
        )
        self.assertGreater(same, 0.5)
        self.assertEqual(other, 0.0)

    def test_time_factor(self):
        self.assertEqual(engine.time_factor(days_apart=0, window_days=730), 1.0)
        self.assertEqual(engine.time_factor(days_apart=730, window_days=730), 0.5)
        self.assertEqual(engine.time_factor(days_apart=731, window_days=730), 0.0)
        self.assertEqual(engine.time_factor(days_apart=10**6, window_days=0), 1.0)

    def test_time_factor_on_arrays_is_the_float_formula_bit_for_bit(self):
        gaps = [
            -800.0,
            -730.0,
            -365.25,
            -1.5,
            0.0,
            0.1,
            1 / 3,
            100.0,
            729.999,
            730.0,
            730.5,
            2000.0,
        ]
        for window in (0, 30, 730):
            floats = [engine.time_factor(days_apart=gap, window_days=window) for gap in gaps]
            array = engine.time_factor(days_apart=np.array(gaps), window_days=window)
            self.assertEqual(array.dtype, np.float64)
            self.assertEqual(array.tolist(), floats)
            # The rebuild's dense search ranks in float32: the array keeps its precision.
            single = engine.time_factor(days_apart=np.array(gaps, np.float32), window_days=window)
            self.assertEqual(single.dtype, np.float32)

    def test_near_duplicates(self):
        # SimHash needs some length to be stable; short copies are caught by their text cosine.
        text = (
            "The Arctic shipping accord signed in Beijing covers icebreakers, northern ports, "
            "insurance for cargo, search and rescue, pilotage fees, fuel standards, ballast water, "
            "oil spill response, ice charts, satellite navigation, crew training, customs checks, "
            "environmental monitoring, fishing limits, research vessels, tourism cruises, "
            "container transit, liquefied gas carriers, bulk ore exports and emergency harbours "
            "along the route, with a joint committee meeting twice a year to settle disputes."
        )
        a = engine.simhash(engine.text_terms(text))
        b = engine.simhash(engine.text_terms(text + " Updated at noon."))
        c = engine.simhash(engine.text_terms("Snow closed roads across Millbrook overnight."))
        self.assertTrue(engine.near_duplicates(a, b))
        self.assertFalse(engine.near_duplicates(a, c))
        self.assertFalse(engine.near_duplicates(0, 0))


class ScoreCommandTests(SimpleTestCase):
    def test_csv_round_trip_keeps_rows_and_columns_and_adds_the_engine_score(self):
        rows = [
            {
                "pair_id": "1",
                "text1": "Wang Yi met Lavrov in Beijing.",
                "text2": "Lavrov met Wang Yi.",
                "note": "a,b",
            },
            {
                "pair_id": "2",
                "text1": "Snow in Millbrook.",
                "text2": "Wang Yi met Lavrov.",
                "note": "",
            },
            {"pair_id": "3", "text1": "", "text2": "<script>x</script>", "note": 'say "hi"'},
        ]
        out, err = score_csv(rows)
        mode = related_mode()
        self.assertIn(f"in {mode} mode", err)
        self.assertEqual([{k: v for k, v in r.items() if k != "score"} for r in out], rows)
        expected = engine.texts_score(
            ((r["text1"], r["text2"]) for r in rows), mode=mode, embed=semantic.stories_embed
        )
        self.assertEqual([float(r["score"]) for r in out], expected)
        self.assertGreater(float(out[0]["score"]), float(out[1]["score"]))

    def test_missing_columns_is_an_error(self):
        from django.core.management.base import CommandError

        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "bad.csv"
            source.write_text("a,b\n1,2\n", encoding="utf-8")
            with self.assertRaises(CommandError):
                call_command("related", "score", str(source), stdout=io.StringIO())
