"""Turning outside HTML into body blocks: WordPress dialects, sanitising, images and embeds."""

from __future__ import annotations

from django.test import SimpleTestCase
from lxml import html as lxml_html

from dateline.importers.content import (
    html_to_blocks,
    sanitise_inline,
    wordpress_content_to_blocks,
)


def types(blocks: list[dict]) -> list[str]:
    return [block["type"] for block in blocks]


class SanitiseTests(SimpleTestCase):
    def test_keeps_only_what_the_editor_allows(self):
        clean = sanitise_inline(
            '<span style="x">Hi <strong onclick="evil()">there</strong> <em>you</em> '
            '<a href="javascript:alert(1)">bad</a> <a href="https://ok.example/" target="_blank">'
            "ok</a><script>alert(1)</script><img src=x onerror=alert(1)></span>"
        )
        fragment = lxml_html.fragment_fromstring(f"<div>{clean}</div>")
        tags = {element.tag for element in fragment.iter()} - {"div"}
        self.assertEqual(tags, {"b", "i", "a"})
        links = fragment.findall(".//a")
        self.assertEqual([a.get("href") for a in links], [None, "https://ok.example/"])
        self.assertEqual(links[1].attrib, {"href": "https://ok.example/"})
        self.assertNotIn("alert", fragment.text_content())


class HtmlToBlocksTests(SimpleTestCase):
    def test_maps_elements_to_blocks(self):
        result = html_to_blocks(
            "<h2>Sub <em>head</em></h2><p>One <b>bold</b></p><ul><li>a</li><li>b</li></ul>"
            "<blockquote><p>Quoted words</p><cite>Someone</cite></blockquote>"
            '<iframe src="https://www.youtube.com/embed/abc123"></iframe>loose text'
        )
        self.assertEqual(
            types(result.blocks),
            ["heading", "paragraph", "paragraph", "quote", "embed", "paragraph"],
        )
        self.assertEqual(result.blocks[0]["value"], {"text": "Sub head", "level": 2})
        self.assertEqual(result.blocks[1]["value"], "<p>One <b>bold</b></p>")
        self.assertTrue(result.blocks[2]["value"].startswith("<ul>"))
        self.assertEqual(
            result.blocks[3]["value"], {"text": "Quoted words", "attribution": "Someone"}
        )
        self.assertEqual(result.blocks[4]["value"], "https://www.youtube.com/watch?v=abc123")

    def test_headings_keep_their_level(self):
        result = html_to_blocks("<h1>Top</h1><h3>Three</h3><h4>Four</h4><h6>Six</h6>")
        self.assertEqual(
            [(b["type"], b["value"]["level"], b["value"]["text"]) for b in result.blocks],
            [
                ("heading", 2, "Top"),
                ("heading", 3, "Three"),
                ("heading", 4, "Four"),
                ("heading", 6, "Six"),
            ],
        )

    def test_tables_become_table_blocks(self):
        result = html_to_blocks(
            "<table><caption>Results</caption><thead><tr><th>Team</th><th>Points</th></tr>"
            "</thead><tbody><tr><td>Reds</td><td><b>3</b></td></tr>"
            '<tr><td colspan="2">Abandoned</td></tr><tr><td></td><td></td></tr></tbody></table>'
            "<p>After</p>"
        )
        self.assertEqual(types(result.blocks), ["table", "paragraph"])
        self.assertEqual(
            result.blocks[0]["value"],
            {
                "data": [["Team", "Points"], ["Reds", "3"], ["Abandoned", ""]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Results",
            },
        )
        self.assertEqual(result.notes, [])
        plain = html_to_blocks("<table><tr><td>a</td><td>b</td></tr></table>").blocks[0]
        self.assertEqual(plain["value"]["data"], [["a", "b"]])
        self.assertFalse(plain["value"]["first_row_is_table_header"])

    def test_images_resolve_or_are_reported(self):
        found = html_to_blocks(
            '<figure><img src="/a.png" alt="A cat"><figcaption>Cat, asleep</figcaption></figure>',
            resolve_image=lambda ref: 7,
        )
        self.assertEqual(
            found.blocks,
            [
                {
                    "type": "image",
                    "value": {
                        "image": 7,
                        "alt_text": "A cat",
                        "caption": "Cat, asleep",
                        "credit": "",
                    },
                }
            ],
        )
        missing = html_to_blocks('<p><img src="/b.png"></p>', resolve_image=lambda ref: None)
        self.assertEqual(missing.blocks, [])
        self.assertIn("image not found", missing.notes[0])

    def test_script_is_removed_and_reported(self):
        result = html_to_blocks("<p>Safe</p><script>alert(1)</script>")
        self.assertEqual(types(result.blocks), ["paragraph"])
        self.assertIn("<script> removed", result.notes)


class WordPressContentTests(SimpleTestCase):
    def test_classic_content_gets_paragraphs_from_blank_lines(self):
        result = wordpress_content_to_blocks("First line\nsame paragraph\n\nSecond paragraph")
        self.assertEqual(
            [b["value"] for b in result.blocks],
            ["<p>First line<br>\nsame paragraph</p>", "<p>Second paragraph</p>"],
        )

    def test_block_comments_are_read(self):
        content = (
            "<!-- wp:heading -->\n<h2>Title</h2>\n<!-- /wp:heading -->\n\n"
            "<!-- wp:paragraph -->\n<p>Text</p>\n<!-- /wp:paragraph -->\n\n"
            '<!-- wp:embed {"url":"https://vimeo.com/123","type":"video"} -->\n'
            '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
            "https://vimeo.com/123\n</div></figure>\n<!-- /wp:embed -->\n\n"
            "<!-- wp:acme/widget -->\n<p>Plugin text</p>\n<!-- /wp:acme/widget -->"
        )
        result = wordpress_content_to_blocks(content)
        self.assertEqual(types(result.blocks), ["heading", "paragraph", "embed", "paragraph"])
        self.assertEqual(result.blocks[2]["value"], "https://vimeo.com/123")
        self.assertTrue(any("wp:acme/widget" in note for note in result.notes))

    def test_shortcodes(self):
        content = (
            '[caption id="attachment_5" width="300"]<img class="wp-image-5" src="https://x/a.jpg" '
            'alt="Alt"> The caption[/caption]\n\n'
            "[embed]https://www.youtube.com/watch?v=xyz[/embed]\n\n"
            '[contact-form-7 id="3"]\n\n[[gallery]]'
        )
        seen = []
        result = wordpress_content_to_blocks(
            content,
            resolve_image=lambda ref: seen.append(ref) or 11,
            shortcodes=frozenset({"Contact-Form-7"}),
        )
        self.assertEqual(types(result.blocks), ["image", "embed", "paragraph"])
        self.assertEqual(seen[0].attachment_id, "5")
        self.assertEqual(result.blocks[0]["value"]["caption"], "The caption")
        self.assertEqual(result.blocks[2]["value"], "<p>[gallery]</p>")
        self.assertIn("shortcode [contact-form-7] removed", result.notes)

    def test_brackets_that_are_not_shortcodes_stay_verbatim(self):
        content = (
            "The two companies [Rosneft and CNPC] have agreed to a deal.\n\n"
            '[contact-form-7 id="3"] and [sic] and [[double]] and [/closing]'
        )
        result = wordpress_content_to_blocks(content)
        self.assertEqual(
            [block["value"] for block in result.blocks],
            [
                "<p>The two companies [Rosneft and CNPC] have agreed to a deal.</p>",
                '<p>[contact-form-7 id="3"] and [sic] and [[double]] and [/closing]</p>',
            ],
        )
        self.assertEqual(result.notes, [])
