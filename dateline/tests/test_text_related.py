"""The text layer reads stories exactly as the related-news engine does today.

`newsroom.text.body_text` and `html_to_text(..., tags_as_spaces=True)` are to replace
`related.services.body_text` and `related.engine.text_clean`; the engine's stored profiles were made
from their output, so they must agree on every input. These tests live at the top of the package
because the layers contract lets only it import both `newsroom` and a feature app's internals.
"""

from __future__ import annotations

import json

import wagtail_factories
from django.test import SimpleTestCase, TestCase

from dateline.core.blocks import BodyBlock
from dateline.newsroom.text import body_text, html_to_text
from dateline.related import engine, services

HTML = [
    "",
    "plain words",
    "<p>One</p><p>Two</p>",
    "<b>Bei</b>jing &amp; <i>Shanghai</i>",
    "<p>Caf&eacute; &nbsp; &#x27;quoted&#x27; &#39;x&#39; &unknown;</p>",
    "<script>alert('x')</script><style>p{}</style><p onclick=x>Hi<!-- secret --></p>",
    "3 < 5 and 5 > 3, a<b and c>d",
    "&lt;b&gt;escaped&lt;/b&gt; &amp;amp;",
    "<p>Unclosed <b>bold",
    "<<p>>x",
    "line\none\ttab\r\nwin  ",
    "\u00a0nbsp\u2003em space\u00a0",
    '<a href="/x" title="a>b">link</a>',
    "<img src=x onerror=alert(1)>after",
]

BLOCKS = [
    {
        "type": "paragraph",
        "value": "<p>Caf&eacute; &amp; <b>bar</b></p><p>Second <a href='/x'>link</a></p>",
    },
    {"type": "subheading", "value": "A subheading"},
    {"type": "quote", "value": {"text": "To be or not", "attribution": "Hamlet"}},
    {"type": "quote", "value": {"text": "Unattributed", "attribution": ""}},
    {"type": "image", "value": {"image": 7, "alt_text": "Alt", "caption": "Cap", "credit": "Cr"}},
    {"type": "image", "value": {"image": None, "alt_text": "", "caption": "", "credit": ""}},
    {"type": "embed", "value": "https://www.youtube.com/watch?v=abc"},
    {"type": "paragraph", "value": "<script>alert(1)</script><p>After &lt;script&gt;</p>"},
]


class TextCleanTests(SimpleTestCase):
    def test_html_to_text_with_tags_as_spaces_is_text_clean(self):
        for markup in HTML:
            with self.subTest(markup=markup):
                self.assertEqual(
                    html_to_text(markup, tags_as_spaces=True), engine.text_clean(markup)
                )


class BodyTextTests(SimpleTestCase):
    def assert_same(self, body: object) -> None:
        self.assertEqual(body_text(body), services.body_text(body))

    def test_stored_data_of_every_block(self):
        raw = [dict(block, id=f"id-{n}") for n, block in enumerate(BLOCKS)]
        for body in (raw, json.dumps(raw), [raw[0]], [raw[4]], [raw[6]]):
            with self.subTest(body=body):
                self.assert_same(body)
        self.assertIn("youtube", body_text(raw))  # embed addresses are words to the engine
        self.assertNotIn("Alt", body_text(raw))

    def test_json_strings_broken_json_and_other_values(self):
        for body in (
            None,
            "",
            "[]",
            "{}",
            '"a JSON string"',
            '{"type": "paragraph", "value": "<p>a dict</p>"}',
            "5",
            5,
            "<p>Not JSON &amp; HTML</p>",
            '[{"type": "paragraph", "value": "<p>half',
            "[{'type': 'paragraph'}]",
            [{"type": "paragraph", "value": {"nested": ["deep <b>text</b>", 3, None]}}],
            ("a", {"id": "skipped", "url": "skipped", "embed": "skipped", "other": "kept"}),
        ):
            with self.subTest(body=body):
                self.assert_same(body)


class StreamValueTests(TestCase):
    def test_stream_values_with_and_without_images(self):
        photo = wagtail_factories.ImageFactory(title="Harbour", description="Cranes")
        raw = [dict(block) for block in BLOCKS]
        raw[4] = {**raw[4], "value": {**raw[4]["value"], "image": photo.pk}}
        body = BodyBlock().to_python(raw)
        self.assertEqual(body_text(body), services.body_text(body))
        self.assertEqual(body_text(BodyBlock().to_python([])), services.body_text([]))
