"""The engine reads stories exactly as it did when their stored profiles were computed.

Profiles, fingerprints and embedding keys come from `body_text` and `engine.text_clean`, which read
through the text layer (`newsroom.text`); their outputs on hostile markup and on every kind of
stored body are frozen in data/reading_expected.json (made with the engine's own reading before it
moved to the layer). A change here would need a rebuild of every archive.
"""

from __future__ import annotations

import json
from pathlib import Path

import wagtail_factories
from django.test import SimpleTestCase, TestCase

from dateline.core.blocks import BodyBlock
from dateline.related import engine
from dateline.related.reading import body_text

EXPECTED = json.loads((Path(__file__).parent / "data" / "reading_expected.json").read_text())


class FrozenReadingTests(SimpleTestCase):
    def test_markup_reads_as_it_always_has(self):
        for markup, expected in EXPECTED["html"]:
            with self.subTest(markup=markup):
                self.assertEqual(engine.text_clean(markup), expected)

    def test_every_kind_of_stored_body_reads_as_it_always_has(self):
        for body, expected in EXPECTED["bodies"]:
            with self.subTest(body=body):
                self.assertEqual(body_text(body), expected)
        raw = EXPECTED["bodies"][0][0]
        self.assertIn("youtube", body_text(raw))  # embed addresses are words to the engine
        self.assertNotIn("Alt", body_text(raw))  # alt texts are not


class StreamValueReadingTests(TestCase):
    def test_a_stream_value_reads_as_its_stored_data(self):
        photo = wagtail_factories.ImageFactory(title="Harbour", description="Cranes")
        blocks = [body for body, _ in EXPECTED["bodies"][:1]][0]
        raw = [{key: value for key, value in block.items() if key != "id"} for block in blocks]
        raw = raw[:4] + [{**raw[4], "value": {**raw[4]["value"], "image": photo.pk}}] + raw[6:]
        self.assertEqual(body_text(BodyBlock().to_python(raw)), body_text(raw))
        stream = BodyBlock().to_python([block for block in raw if block["type"] != "image"])
        self.assertEqual(body_text(stream), EXPECTED["stream_value"])
        self.assertEqual(body_text(BodyBlock().to_python([])), "")
