"""StreamField blocks shared by articles and standard pages."""

from __future__ import annotations

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class ImageBlock(blocks.StructBlock):
    """An image in the body, with the alt text, caption and credit a newsroom must give."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe the image for readers who cannot see it; leave blank to use the "
        "image's own description.",
    )
    caption = blocks.CharBlock(required=False, max_length=400)
    credit = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    """A block quote with its source."""

    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"


class HeadingBlock(blocks.StructBlock):
    """A heading inside the body at a chosen level (2-6; the page's title is the only level 1)."""

    text = blocks.CharBlock(max_length=200)
    # An integer, so the level is never read as words of the story (`newsroom.text.body_text`).
    level = blocks.IntegerBlock(min_value=2, max_value=6, default=2)

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"


class BodyBlock(blocks.StreamBlock):
    """The body of a story: paragraphs, headings, images, quotes, tables and embeds."""

    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="blocks/paragraph.html")
    subheading = blocks.CharBlock(max_length=200, icon="title", template="blocks/subheading.html")
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(max_width=800, template="blocks/embed_block.html")
    heading = HeadingBlock()
    table = TableBlock()
