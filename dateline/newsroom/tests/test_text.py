"""The text layer: HTML to text and paragraphs, sentences, and the parts of a StreamField body."""

from __future__ import annotations

import json

import wagtail_factories
from django.test import SimpleTestCase, TestCase
from wagtail import blocks

from dateline.core.blocks import BodyBlock
from dateline.newsroom.text import (
    BodyPart,
    body_blocks,
    body_text,
    first_sentence,
    html_paragraphs,
    html_to_text,
    plain_paragraphs,
    sentences,
)

HOSTILE = (
    "<script>alert('x')</script><style>p { color: red }</style>"
    '<p onclick="steal()">Hello <img src=x onerror="alert(1)">world<!-- secret --></p>'
    "<iframe src='https://evil.example/'>framed</iframe><p>Bye</p>"
)


def stream(*raw: dict) -> object:
    """Return a body StreamValue from stored block data, as a page's field gives it."""
    return BodyBlock().to_python(list(raw))


class HtmlToTextTests(SimpleTestCase):
    def test_entities_are_decoded_once(self):
        self.assertEqual(
            html_to_text("<p>Prices &lt;rose&gt; &amp; fell &#x27;a&#39; caf&eacute;&nbsp;bar</p>"),
            "Prices <rose> & fell 'a' café bar",
        )
        self.assertEqual(html_to_text("<p>&amp;lt;</p>"), "&lt;")
        self.assertEqual(
            html_to_text("AT&T and &unknown; 3 < 5 > 2"), "AT&T and &unknown; 3 < 5 > 2"
        )

    def test_nested_and_inline_markup(self):
        markup = (
            "<div><p>The <b><i>Bei</i>jing</b> talks, said <a href='/x'>Wang</a>.</p>"
            "<ul><li>One</li><li>Two <sup>2</sup></li></ul><h2>Next</h2>after</div>"
        )
        self.assertEqual(
            html_paragraphs(markup),
            ["The Beijing talks, said Wang.", "One", "Two 2", "Next", "after"],
        )
        self.assertEqual(html_to_text(markup), "The Beijing talks, said Wang. One Two 2 Next after")
        self.assertEqual(
            html_to_text("<p>a</p><p>b</p>", paragraph_break="\n\n"), "a\n\nb", "paragraphs kept"
        )

    def test_line_breaks_and_table_cells_separate_words(self):
        self.assertEqual(html_paragraphs("<p>a<br>b<br/>c</p>"), ["a", "b", "c"])
        self.assertEqual(html_to_text("<table><tr><td>a</td><td>b</td></tr></table>"), "a b")

    def test_hostile_html_gives_only_its_visible_words(self):
        self.assertEqual(html_paragraphs(HOSTILE), ["Hello world", "framed", "Bye"])
        self.assertEqual(html_to_text('<p title="a>b">x</p>'), "x")
        self.assertEqual(html_to_text("<p>Unclosed <b>bold"), "Unclosed bold")
        self.assertEqual(html_to_text("<<p>>x"), "< >x")

    def test_whitespace_is_collapsed(self):
        self.assertEqual(html_paragraphs("<p>  line\n\tone  </p>\n\n<p>\u00a0</p>"), ["line one"])

    def test_empty_input(self):
        for empty in ("", None, "<p> </p>", "<!-- only a comment -->", "<script>x</script>"):
            with self.subTest(empty=empty):
                self.assertEqual(html_to_text(empty), "")
                self.assertEqual(html_paragraphs(empty), [])
        self.assertEqual(html_to_text("", tags_as_spaces=True), "")
        self.assertEqual(html_to_text(None, tags_as_spaces=True), "")

    def test_tags_as_spaces_is_the_related_engines_reading(self):
        self.assertEqual(html_to_text("<b>Bei</b>jing", tags_as_spaces=True), "Bei jing")
        self.assertEqual(html_to_text("<p>a</p><p>b</p>", tags_as_spaces=True), "a b")
        self.assertEqual(
            html_to_text("<script>alert(1)</script>&lt;b&gt;", tags_as_spaces=True), "alert(1) <b>"
        )


class PlainTextTests(SimpleTestCase):
    def test_paragraphs_at_blank_lines(self):
        self.assertEqual(
            plain_paragraphs("One\nline.\n\n  \n Two &amp; three. \n\n"),
            ["One line.", "Two & three."],
        )
        self.assertEqual(plain_paragraphs(""), [])
        self.assertEqual(plain_paragraphs(None), [])

    def test_sentences(self):
        self.assertEqual(
            sentences('He said "stop." Then he left!\n\n(See below.) It was [sic.] 4 more? Yes.'),
            [
                'He said "stop."',
                "Then he left!",
                "(See below.)",
                "It was [sic.]",
                "4 more?",
                "Yes.",
            ],
        )
        self.assertEqual(sentences("Wait... Next one."), ["Wait...", "Next one."])
        self.assertEqual(sentences("A &amp; B. C"), ["A & B.", "C"])
        self.assertEqual(sentences(""), [])

    def test_a_sentence_needs_a_capital_after_it_unless_told_otherwise(self):
        text = "U.S. officials met. Talks ended."
        self.assertEqual(sentences(text), ["U.S. officials met.", "Talks ended."])
        self.assertEqual(
            sentences(text, require_capital=False), ["U.S.", "officials met.", "Talks ended."]
        )

    def test_first_sentence(self):
        self.assertEqual(first_sentence('He said "stop." Next one.'), 'He said "stop."')
        self.assertEqual(first_sentence("U.S. officials met. Then"), "U.S. officials met.")
        self.assertEqual(first_sentence("U.S. officials met.", require_capital=False), "U.S.")
        self.assertEqual(first_sentence("No end here"), "No end here")
        self.assertEqual(first_sentence("Ends here."), "Ends here.")
        self.assertEqual(first_sentence(""), "")
        # Read as given: entities are not decoded a second time.
        self.assertEqual(first_sentence("A &amp; B. C"), "A &amp; B.")


class FactBox(blocks.StructBlock):
    """A block the text layer does not know: its text comes from `get_searchable_content`."""

    title = blocks.CharBlock()
    body = blocks.TextBlock()
    hidden = blocks.CharBlock(required=False, search_index=False)


class BodyWithFactBox(BodyBlock):
    factbox = FactBox()


EVERY_BLOCK = [
    {
        "type": "paragraph",
        "value": "<p>First &amp; <b>bold</b>.</p><p>See <a linktype='page' id='3'>this</a>.</p>",
    },
    {"type": "subheading", "value": "A subheading"},
    {"type": "quote", "value": {"text": "To be or not", "attribution": "Hamlet"}},
    {"type": "quote", "value": {"text": "Unattributed", "attribution": ""}},
    {
        "type": "image",
        "value": {"image": None, "alt_text": "Alt", "caption": "Cap", "credit": "Cr"},
    },
    {"type": "image", "value": {"image": None, "alt_text": "", "caption": "", "credit": ""}},
    {"type": "embed", "value": "https://www.youtube.com/watch?v=x"},
    {"type": "paragraph", "value": HOSTILE},
]


class BodyBlocksTests(SimpleTestCase):
    def test_every_block_type(self):
        found = list(body_blocks(stream(*EVERY_BLOCK)))
        self.assertEqual(
            [(block.position, block.kind) for block in found],
            [
                (1, "paragraph"),
                (2, "subheading"),
                (3, "quote"),
                (4, "quote"),
                (5, "image"),
                (6, "image"),
                (7, "embed"),
                (8, "paragraph"),
            ],
        )
        paragraph, subheading, quote, bare_quote, image, bare_image, embed, hostile = found
        self.assertEqual(
            paragraph.parts, (BodyPart("text", "First & bold."), BodyPart("text", "See this."))
        )
        self.assertEqual(paragraph.html, EVERY_BLOCK[0]["value"])
        self.assertEqual(paragraph.text, "First & bold. See this.")
        self.assertEqual(subheading.parts, (BodyPart("text", "A subheading"),))
        self.assertEqual(
            quote.parts, (BodyPart("text", "To be or not"), BodyPart("attribution", "Hamlet"))
        )
        self.assertEqual(bare_quote.parts, (BodyPart("text", "Unattributed"),))
        self.assertEqual(
            image.parts,
            (BodyPart("caption", "Cap"), BodyPart("credit", "Cr"), BodyPart("alt_text", "Alt")),
        )
        self.assertEqual((image.field("caption"), image.field("alt_text")), ("Cap", "Alt"))
        self.assertEqual((bare_image.parts, bare_image.field("caption")), ((), ""))
        self.assertIsNone(image.image)
        self.assertEqual((embed.parts, embed.text, embed.html), ((), "", ""))
        self.assertEqual(hostile.text, "Hello world framed Bye")

    def test_empty_bodies_and_empty_blocks(self):
        self.assertEqual(list(body_blocks(None)), [])
        self.assertEqual(list(body_blocks(stream())), [])
        empty = list(
            body_blocks(
                stream(
                    {"type": "paragraph", "value": "<p></p>"}, {"type": "subheading", "value": ""}
                )
            )
        )
        self.assertEqual(empty[0].parts, ())
        # A subheading always gives its text, even empty: the checks number it.
        self.assertEqual(empty[1].parts, (BodyPart("text", ""),))

    def test_a_block_it_does_not_know_gives_its_searchable_text(self):
        value = BodyWithFactBox().to_python(
            [{"type": "factbox", "value": {"title": "Facts", "body": "Ten", "hidden": "x"}}]
        )
        [block] = body_blocks(value)
        self.assertEqual(block.kind, "factbox")
        self.assertEqual(block.parts, (BodyPart("text", "Facts"), BodyPart("text", "Ten")))

    def test_is_lazy(self):
        blocks_iter = body_blocks(stream(*EVERY_BLOCK))
        self.assertIs(iter(blocks_iter), blocks_iter)
        self.assertEqual(next(blocks_iter).kind, "paragraph")


class ImageBlockTests(TestCase):
    def test_the_chosen_image_is_given(self):
        photo = wagtail_factories.ImageFactory(title="Harbour", description="Cranes at dawn")
        [block] = body_blocks(
            stream({"type": "image", "value": {"image": photo.pk, "caption": "", "credit": ""}})
        )
        self.assertEqual(block.image, photo)
        self.assertEqual(block.image.description, "Cranes at dawn")


class BodyTextTests(SimpleTestCase):
    def test_every_string_but_ids_images_and_alt_texts(self):
        raw = [dict(block, id=f"id-{n}") for n, block in enumerate(EVERY_BLOCK)]
        expected = (
            "First & bold . See this . A subheading To be or not Hamlet Unattributed Cap Cr "
            "https://www.youtube.com/watch?v=x alert('x') p { color: red } Hello world "
            "framed Bye"
        )
        self.assertEqual(body_text(raw), expected)
        self.assertEqual(body_text(json.dumps(raw)), expected)
        self.assertEqual(body_text(stream(*EVERY_BLOCK)), expected)

    def test_what_is_not_stream_data(self):
        self.assertEqual(body_text(None), "")
        self.assertEqual(body_text(""), "")
        self.assertEqual(body_text("[]"), "")
        self.assertEqual(body_text(5), "")
        self.assertEqual(body_text("<p>Not JSON &amp; HTML</p>"), "Not JSON & HTML")
        self.assertEqual(
            body_text('[{"type": "paragraph", "value": "<p>half'),
            ('[{"type": "paragraph", "value": " half'),
        )
