"""Turn outside HTML into the article body's blocks, sanitised to what the rich-text editor allows.

Used by both importers. WordPress content arrives in three dialects — block-editor markup with
`<!-- wp:... -->` comments, classic HTML with blank lines for paragraphs (WordPress's "autop"), and
shortcodes such as `[caption]` or `[embed]` — so `wordpress_html_normalise` first reduces it to plain
HTML, then `html_to_blocks` maps each top-level element to one block. Anything that cannot be kept
faithfully is reported through the `notes` list rather than silently dropped.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
import nh3
from lxml import etree

from dateline.core.blocks import RICH_TEXT_FEATURES
from dateline.newsroom.text import html_to_text

# What a paragraph block may hold: the editor's features (bold, italic, link, lists, sup/sub).
_INLINE_TAGS = {"p", "b", "i", "a", "ol", "ul", "li", "sup", "sub", "br"}
if not {"bold", "italic", "link", "ol", "ul"} <= set(RICH_TEXT_FEATURES):
    raise RuntimeError("the importers' paragraph tags need the editor's bold/italic/link/lists")
_RENAME = {"strong": "b", "em": "i"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROP = {"script", "style", "noscript", "template", "form", "input", "button", "select", "nav"}
_BLOCK_TAGS = (
    "p|div|h[1-6]|ul|ol|li|blockquote|figure|figcaption|table|thead|tbody|tr|td|th|pre|hr|"
    "iframe|dl|dt|dd|address|section|article|aside|header|footer|details|summary|form"
)
_BLOCK_START = re.compile(rf"^\s*<(?:{_BLOCK_TAGS})\b", re.I)
_BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([a-z0-9/_-]+)(.*?)(/?)-->", re.S | re.I)
_SHORTCODE = re.compile(r"\[(\[?)(/?)([a-zA-Z_][\w-]*)((?:[^\]\"']|\"[^\"]*\"|'[^']*')*)\](\]?)")
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
# WordPress's own shortcodes (core, plus the wordpress.com video ones older exports carry): only these,
# and the ones a run names (`DATELINE_IMPORT_SHORTCODES`, `--shortcode`), are read as shortcodes.
# Any other bracketed text ("[Rosneft and CNPC]", "[sic]") is the writer's and stays as it is.
WORDPRESS_SHORTCODES = frozenset(
    {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist", "youtube", "vimeo"}
)
_EMBED_HOSTS = re.compile(
    r"^https?://(?:www\.|m\.)?(youtube\.com|youtu\.be|vimeo\.com|twitter\.com|x\.com|"
    r"instagram\.com|soundcloud\.com|flickr\.com|tiktok\.com|dailymotion\.com|spotify\.com|"
    r"[\w.-]*wordpress\.(?:com|tv)|slideshare\.net|scribd\.com|ted\.com|reddit\.com|"
    r"facebook\.com|tumblr\.com|speakerdeck\.com|kickstarter\.com|imgur\.com|issuu\.com|"
    r"mixcloud\.com|animoto\.com|cloudup\.com|reverbnation\.com|smugmug\.com|amazon\.\w+)/",
    re.I,
)
# Block-editor blocks whose markup maps directly onto ours (or onto plain content we walk).
_KNOWN_BLOCKS = {
    "paragraph",
    "heading",
    "list",
    "list-item",
    "quote",
    "pullquote",
    "image",
    "gallery",
    "embed",
    "video",
    "audio",
    "separator",
    "spacer",
    "group",
    "columns",
    "column",
    "cover",
    "media-text",
    "more",
    "nextpage",
    "preformatted",
    "code",
    "verse",
    "table",
    "html",
    "freeform",
    "block",
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# File suffixes of the images an import brings into the image library.
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}


@dataclass
class ImageRef:
    """An image the body refers to: where it was, and what readers were told about it."""

    src: str
    alt: str = ""
    caption: str = ""
    attachment_id: str = ""


@dataclass
class BodyResult:
    """The blocks made from a body, and what could not be carried over."""

    blocks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Finds the library image for an image the body refers to; returns its id, or None when missing.
ImageResolver = Callable[[ImageRef], "int | None"]


def sanitise_inline(markup: str) -> str:
    """Return `markup` reduced to the tags and attributes the paragraph editor allows."""
    for old, new in _RENAME.items():
        markup = re.sub(rf"<(/?){old}\b", rf"<\1{new}", markup, flags=re.I)
    return nh3.clean(
        markup,
        tags=_INLINE_TAGS,
        attributes={"a": {"href"}},
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    ).strip()


def text_of(markup: str) -> str:
    """Return the plain text of an HTML fragment, whitespace collapsed (`newsroom.text.html_to_text`)."""
    return html_to_text(markup)


def _shortcode_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in re.finditer(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))", raw):
        attrs[match.group(1).lower()] = next(g for g in match.groups()[1:] if g is not None)
    return attrs


def _replace_shortcodes(content: str, notes: list[str], extra: frozenset[str]) -> str:
    """Expand WordPress's shortcodes into HTML and drop (and report) the `extra` ones a run names.

    Bracketed text that is neither is left verbatim: a square bracket is ordinary punctuation.
    """

    # Enclosing shortcodes first: [caption ...]<img ...> Caption text[/caption].
    def caption(match: re.Match) -> str:
        inner = match.group(2)
        img = re.search(r"<img\b[^>]*>", inner, re.I)
        text = re.sub(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", "", inner, flags=re.I)
        attrs = _shortcode_attrs(match.group(1))
        caption_text = attrs.get("caption") or text
        if img is None:
            return f"<p>{text}</p>"
        return f"<figure>{img.group(0)}<figcaption>{caption_text.strip()}</figcaption></figure>"

    content = re.sub(
        r"\[(?:caption|wp_caption)\b([^\]]*)\](.*?)\[/(?:caption|wp_caption)\]",
        caption,
        content,
        flags=re.S | re.I,
    )
    content = re.sub(
        r"\[embed\b[^\]]*\](.*?)\[/embed\]",
        lambda m: f'\n\n<figure class="dl-embed">{m.group(1).strip()}</figure>\n\n',
        content,
        flags=re.S | re.I,
    )

    def other(match: re.Match) -> str:
        name = match.group(3).lower()
        if name not in WORDPRESS_SHORTCODES and name not in extra:
            return match.group(0)  # not a shortcode: the writer's own brackets
        if match.group(1) and match.group(5):  # [[escaped]] prints the shortcode literally
            return match.group(0)[1:-1]
        attrs = _shortcode_attrs(match.group(4))
        if match.group(2):  # a closing tag of an enclosing shortcode: keep its content
            return ""
        if name == "gallery" and attrs.get("ids"):
            ids = [i.strip() for i in attrs["ids"].split(",") if i.strip()]
            images = "".join(f'<img class="wp-image-{i}" src="" alt="">' for i in ids)
            return f'\n\n<div class="dl-gallery">{images}</div>\n\n'
        if name in {"video", "audio", "youtube", "vimeo"}:
            url = attrs.get("src") or attrs.get("url") or attrs.get("mp4") or attrs.get("mp3")
            url = url or next((v for v in attrs.values() if v.startswith("http")), "")
            if url:
                return f'\n\n<figure class="dl-embed">{url}</figure>\n\n'
        notes.append(f"shortcode [{name}] removed")
        return ""

    return _SHORTCODE.sub(other, content)


def _autop(content: str) -> str:
    """Wrap blank-line separated runs of text in paragraphs, as WordPress does when it renders."""
    chunks = re.split(r"\n\s*\n", content.replace("\r\n", "\n"))
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def wordpress_html_normalise(
    content: str, notes: list[str], shortcodes: frozenset[str] = frozenset()
) -> str:
    """Return WordPress post content as plain HTML: block comments read, shortcodes expanded.

    `shortcodes` names the site's own shortcodes (beyond WordPress's), which are removed and noted.
    """
    unknown: set[str] = set()

    def comment(match: re.Match) -> str:
        name = match.group(2).lower()
        short = name.removeprefix("core/")
        if "/" in short or (short not in _KNOWN_BLOCKS and not short.startswith("embed")):
            unknown.add(name)
        if short in {"more", "nextpage"}:
            return "\n\n"
        if match.group(1) or match.group(4):
            return "\n\n"
        # Embeds carry their URL in the comment's attributes: keep it for the converter.
        url = re.search(r'"url"\s*:\s*"([^"]+)"', match.group(3) or "")
        if short.startswith("embed") and url:
            return f'\n\n<figure class="dl-embed">{url.group(1).replace(chr(92), "")}</figure>\n\n'
        return "\n\n"

    has_blocks = bool(_BLOCK_COMMENT.search(content))
    # Remove the block editor's own embed figure so its URL is not taken twice.
    content = re.sub(
        r"<figure class=\"wp-block-embed[^\"]*\">.*?</figure>",
        "",
        content,
        flags=re.S | re.I,
    )
    content = _BLOCK_COMMENT.sub(comment, content)
    for name in sorted(unknown):
        notes.append(f"block wp:{name} has no Dateline equivalent: its content was kept as text")
    content = _replace_shortcodes(content, notes, frozenset(n.lower() for n in shortcodes))
    if not has_blocks or "<p" not in content:
        content = _autop(content)
    return content


def _inner_html(element: etree._Element) -> str:
    parts = [html_lib.escape(element.text or "")]
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
    return "".join(parts)


def _outer_html(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", method="html", with_tail=False)


def _image_ref(img: etree._Element, caption: str = "") -> ImageRef:
    classes = img.get("class", "")
    match = re.search(r"wp-image-(\d+)", classes)
    return ImageRef(
        src=img.get("src", "") or img.get("data-src", ""),
        alt=" ".join((img.get("alt") or "").split()),
        caption=caption,
        attachment_id=match.group(1) if match else "",
    )


def embed_url(src: str) -> str:
    """Return the page URL an embed's player (iframe) URL stands for, for Wagtail's oEmbed block."""
    youtube = re.match(r"^(?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", src)
    if youtube:
        return f"https://www.youtube.com/watch?v={youtube.group(1)}"
    vimeo = re.match(r"^(?:https?:)?//player\.vimeo\.com/video/(\d+)", src)
    if vimeo:
        return f"https://vimeo.com/{vimeo.group(1)}"
    if src.startswith("//"):
        return "https:" + src
    return src


class _Builder:
    """Walks parsed HTML and collects blocks, merging loose inline content into paragraphs."""

    def __init__(self, resolve_image: ImageResolver | None, notes: list[str]) -> None:
        self.resolve_image = resolve_image
        self.notes = notes
        self.blocks: list[dict] = []
        self.pending: list[str] = []
        self.missing_images: list[str] = []

    def flush(self) -> None:
        if self.pending:
            self.paragraph("".join(self.pending))
            self.pending = []

    def paragraph(self, inner: str) -> None:
        clean = sanitise_inline(inner)
        if text_of(clean):
            # Line breaks at the edges of a paragraph carry nothing.
            clean = re.sub(r"^(?:\s*<br>)+|(?:<br>\s*)+$", "", clean).strip()
            self.blocks.append({"type": "paragraph", "value": f"<p>{clean}</p>"})

    def rich(self, outer: str) -> None:
        clean = sanitise_inline(outer)
        if text_of(clean):
            self.blocks.append({"type": "paragraph", "value": clean})

    def image(self, ref: ImageRef) -> None:
        image_id = self.resolve_image(ref) if self.resolve_image else None
        if image_id is None:
            self.missing_images.append(ref.src or f"attachment {ref.attachment_id}")
            if ref.caption:
                self.paragraph(html_lib.escape(ref.caption))
            return
        self.blocks.append(
            {
                "type": "image",
                "value": {
                    "image": image_id,
                    "alt_text": ref.alt[:250],
                    "caption": ref.caption[:400],
                    "credit": "",
                },
            }
        )

    def embed(self, url: str) -> None:
        url = embed_url(url.strip())
        if not re.match(r"^https?://", url):
            self.notes.append(f"embed without a usable URL left out: {url[:80]}")
            return
        self.blocks.append({"type": "embed", "value": url})

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if not tag:  # comments and processing instructions
            if element.tail and element.tail.strip():
                self.pending.append(html_lib.escape(element.tail))
            return
        if tag in _DROP:
            self.notes.append(f"<{tag}> removed")
        elif tag in {"p", "address"}:
            self.flush()
            images = element.findall(".//img")
            text = " ".join(element.text_content().split())
            if images and not text:
                for img in images:
                    self.image(_image_ref(img))
            else:
                for img in images:
                    self.image(_image_ref(img))
                self.paragraph(_inner_html(element))
        elif tag in _HEADINGS:
            self.flush()
            text = " ".join(element.text_content().split())
            if text:
                # The page's title is its only level 1: a body <h1> becomes the first level below.
                level = max(2, int(tag[1]))
                self.blocks.append(
                    {"type": "heading", "value": {"text": text[:200], "level": level}}
                )
        elif tag in {"ul", "ol"}:
            self.flush()
            self.rich(_outer_html(element))
        elif tag == "blockquote":
            self.flush()
            self.quote(element)
        elif tag == "figure":
            self.flush()
            self.figure(element)
        elif tag == "img":
            self.flush()
            self.image(_image_ref(element))
        elif tag in {"iframe", "video", "audio", "embed", "object"}:
            self.flush()
            src = element.get("src") or ""
            source = element.find(".//source")
            if not src and source is not None:
                src = source.get("src", "")
            self.embed(src)
        elif tag == "pre":
            self.flush()
            lines = element.text_content().strip("\n").split("\n")
            self.paragraph("<br>".join(html_lib.escape(line) for line in lines))
        elif tag == "table":
            self.flush()
            self.table(element)
        elif tag in {"hr", "br"} and not self.pending:
            pass
        elif tag in {"dl"}:
            self.flush()
            for item in element:
                if isinstance(item.tag, str):
                    self.paragraph(_inner_html(item))
        elif tag in {"div", "section", "article", "main", "header", "footer", "aside", "details"}:
            self.flush()
            if "dl-embed" in element.get("class", ""):
                self.embed(element.text_content())
                return
            if element.text and element.text.strip():
                self.pending.append(html_lib.escape(element.text))
            for child in element:
                self.walk(child)
            self.flush()
        else:
            # Inline content (text, links, emphasis) gathers into the current paragraph.
            self.pending.append(etree.tostring(element, encoding="unicode", method="html"))
            return
        if element.tail and element.tail.strip():
            self.pending.append(html_lib.escape(element.tail))

    def table(self, element: etree._Element) -> None:
        """Add a table block: cells as plain text, the header row kept as a header."""
        rows: list[list[str]] = []
        header = False
        for row in element.iter("tr"):
            cells = row.xpath("./td|./th")
            texts = []
            for cell in cells:
                texts.append(" ".join(cell.text_content().split()))
                # A merged cell is followed by empty cells, so the columns stay in line.
                span = cell.get("colspan", "1")
                texts.extend([""] * (int(span) - 1 if span.isdigit() and int(span) > 1 else 0))
            if not any(texts):
                continue
            if not rows:  # the first row is a header when it is all <th> or inside <thead>
                parent = row.getparent()
                in_head = parent is not None and parent.tag == "thead"
                header = in_head or all(cell.tag == "th" for cell in cells)
            rows.append(texts)
        if not rows:
            return
        width = max(len(r) for r in rows)
        caption_el = element.find(".//caption")
        caption = " ".join(caption_el.text_content().split()) if caption_el is not None else ""
        self.blocks.append(
            {
                "type": "table",
                "value": {
                    "data": [r + [""] * (width - len(r)) for r in rows],
                    "first_row_is_table_header": header,
                    "first_col_is_header": False,
                    "table_caption": caption[:255],
                },
            }
        )

    def quote(self, element: etree._Element) -> None:
        attribution = ""
        for cite in element.findall(".//cite") + element.findall(".//footer"):
            attribution = attribution or " ".join(cite.text_content().split())
            cite.drop_tree()
        paragraphs = [" ".join(p.text_content().split()) for p in element.findall(".//p")]
        text = "\n\n".join(p for p in paragraphs if p) or " ".join(element.text_content().split())
        if text:
            self.blocks.append(
                {"type": "quote", "value": {"text": text, "attribution": attribution[:200]}}
            )

    def figure(self, element: etree._Element) -> None:
        caption_el = element.find(".//figcaption")
        caption = " ".join(caption_el.text_content().split()) if caption_el is not None else ""
        classes = element.get("class", "")
        if "dl-embed" in classes:
            self.embed(element.text_content())
            return
        images = element.findall(".//img")
        if images:
            for img in images:
                own = img.getparent().find("figcaption") if img.getparent() is not None else None
                text = " ".join(own.text_content().split()) if own is not None else ""
                self.image(_image_ref(img, caption=text or (caption if len(images) == 1 else "")))
            return
        frame = element.find(".//iframe")
        if frame is not None:
            self.embed(frame.get("src", ""))
            return
        quote = element.find(".//blockquote")
        if quote is not None:
            self.quote(quote)
            return
        table = element.find(".//table")
        if table is not None:
            self.walk(table)
            return
        link = element.find(".//a")
        if link is not None and _EMBED_HOSTS.match(link.get("href", "")):
            self.embed(link.get("href", ""))
            return
        text = " ".join(element.text_content().split())
        if _EMBED_HOSTS.match(text):
            self.embed(text)
        elif text:
            self.paragraph(html_lib.escape(text))


def html_to_blocks(markup: str, *, resolve_image: ImageResolver | None = None) -> BodyResult:
    """Return the body blocks for an HTML fragment, sanitised, with notes on what was changed."""
    result = BodyResult()
    if not markup or not markup.strip():
        return result
    try:
        elements = lxml.html.fragments_fromstring(markup)
    except (etree.ParserError, ValueError):
        result.notes.append("body HTML could not be parsed: kept as plain text")
        text = text_of(markup)
        if text:
            result.blocks.append({"type": "paragraph", "value": f"<p>{html_lib.escape(text)}</p>"})
        return result
    builder = _Builder(resolve_image, result.notes)
    for element in elements:
        if isinstance(element, str):
            if element.strip():
                builder.pending.append(html_lib.escape(element))
            continue
        builder.walk(element)
    builder.flush()
    result.blocks = builder.blocks
    if builder.missing_images:
        missing = builder.missing_images
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        result.notes.append(f"image not found, left out: {missing[0]}{more}")
    # Report each kind of change once, however often it happened.
    result.notes = list(dict.fromkeys(result.notes))
    return result


def wordpress_content_to_blocks(
    content: str,
    *,
    resolve_image: ImageResolver | None = None,
    shortcodes: frozenset[str] = frozenset(),
) -> BodyResult:
    """Return the body blocks for a WordPress post's content (blocks, classic HTML or shortcodes).

    `shortcodes` names the site's own shortcodes to remove (see `wordpress_html_normalise`).
    """
    notes: list[str] = []
    normalised = wordpress_html_normalise(content, notes, shortcodes)
    result = html_to_blocks(normalised, resolve_image=resolve_image)
    result.notes = list(dict.fromkeys(notes + result.notes))
    return result


def image_size_variant_base(url: str) -> str:
    """Return an uploaded image's URL without WordPress's "-300x200" size suffix."""
    return _SIZE_SUFFIX.sub("", url)


def plain_text_blocks(paragraphs: list[str]) -> list[dict]:
    """Return paragraph blocks holding each plain-text paragraph, escaped."""
    return [
        {"type": "paragraph", "value": f"<p>{html_lib.escape(text)}</p>"}
        for text in paragraphs
        if text.strip()
    ]
