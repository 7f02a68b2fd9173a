"""Small WordPress exports and saved pages the tests write for themselves."""

from __future__ import annotations

import html as html_lib
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.test import TestCase
from django.utils.html import escape
from PIL import Image

from dateline.newsroom.factories import home_page
from dateline.settings.env import shared_data_dir

WP_NS = "http://wordpress.org/export/1.2/"
# What importing `../shared/seed/reference-article.txt` must give: the demo's reference article
# (dateline/demo/content/reference.json), copied so the importers' tests need nothing of the demo.
REFERENCE_ARTICLE = Path(__file__).resolve().parent / "reference_article.json"


def png_bytes(colour: str = "red") -> bytes:
    """Return a tiny PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def item(
    *,
    post_id: int,
    title: str,
    content: str = "<p>Body.</p>",
    post_type: str = "post",
    status: str = "publish",
    slug: str | None = None,
    creator: str = "jdoe",
    date_gmt: str = "2021-03-04 05:06:07",
    categories: tuple[tuple[str, str], ...] = (("local", "Local"),),
    tags: tuple[tuple[str, str], ...] = (),
    excerpt: str = "",
    parent: int = 0,
    sticky: bool = False,
    thumbnail: int | None = None,
    extra: str = "",
) -> str:
    """Return one <item> of a WXR file."""
    slug = slug if slug is not None else title.lower().replace(" ", "-")
    terms = "".join(
        f'<category domain="category" nicename="{n}"><![CDATA[{t}]]></category>'
        for n, t in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{n}"><![CDATA[{t}]]></category>' for n, t in tags
    )
    meta = (
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        f"<wp:meta_value>{thumbnail}</wp:meta_value></wp:postmeta>"
        if thumbnail
        else ""
    )
    return f"""
<item>
  <title>{title}</title>
  <link>https://old.example.org/{date_gmt[:4]}/{slug}/</link>
  <guid isPermaLink="false">https://old.example.org/?p={post_id}</guid>
  <dc:creator><![CDATA[{creator}]]></dc:creator>
  <content:encoded><![CDATA[{content}]]></content:encoded>
  <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_date>{date_gmt}</wp:post_date>
  <wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>
  <wp:post_name>{slug}</wp:post_name>
  <wp:status>{status}</wp:status>
  <wp:post_parent>{parent}</wp:post_parent>
  <wp:menu_order>0</wp:menu_order>
  <wp:post_type>{post_type}</wp:post_type>
  <wp:post_password></wp:post_password>
  <wp:is_sticky>{1 if sticky else 0}</wp:is_sticky>
  {terms}{meta}{extra}
</item>"""


def attachment(*, post_id: int, url: str, title: str = "A photo", alt: str = "") -> str:
    """Return an attachment <item>."""
    path = url.split("/wp-content/uploads/")[-1]
    return f"""
<item>
  <title>{title}</title>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_type>attachment</wp:post_type>
  <wp:status>inherit</wp:status>
  <wp:attachment_url>{url}</wp:attachment_url>
  <wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>
    <wp:meta_value>{path}</wp:meta_value></wp:postmeta>
  <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
    <wp:meta_value>{alt}</wp:meta_value></wp:postmeta>
</item>"""


def wxr(*items: str, version: str = "1.2", header: str = "", doctype: str = "") -> str:
    """Return a whole WXR export with two authors, nested categories and a tag, plus `items`."""
    version_tag = f"<wp:wxr_version>{version}</wp:wxr_version>" if version else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
<rss version="2.0" xmlns:excerpt="{WP_NS}excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{WP_NS}">
<channel>
  <title>Old Gazette</title>
  <link>https://old.example.org</link>
  {version_tag}
  <wp:base_site_url>https://old.example.org</wp:base_site_url>
  <wp:base_blog_url>https://old.example.org</wp:base_blog_url>
  <wp:author><wp:author_login>jdoe</wp:author_login>
    <wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_login>rroe</wp:author_login>
    <wp:author_display_name><![CDATA[Richard Roe]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>news</wp:category_nicename>
    <wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name>
  </wp:category>
  <wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>local</wp:category_nicename>
    <wp:category_parent>news</wp:category_parent><wp:cat_name><![CDATA[Local]]></wp:cat_name>
  </wp:category>
  <wp:tag><wp:term_id>3</wp:term_id><wp:tag_slug>council</wp:tag_slug>
    <wp:tag_name><![CDATA[Council]]></wp:tag_name></wp:tag>
  {header}
  {"".join(items)}
</channel>
</rss>
"""


@dataclass(frozen=True)
class SourceText:
    """A real news text to build exports from: its headline, section and paragraphs (plain text)."""

    headline: str
    section: str
    paragraphs: list[str]


def bbc_texts(limit: int | None = None) -> list[SourceText]:
    """Return BBC News texts from the shared data (`bbc-news-2225/`), in file order; [] if absent.

    Each file's first line is the headline, then paragraphs separated by blank lines.
    """
    folder = shared_data_dir() / "bbc-news-2225"
    texts: list[SourceText] = []
    for path in sorted(folder.glob("*/*.txt")):
        raw = path.read_text(encoding="latin-1").replace("\r\n", "\n")
        headline, _, rest = raw.strip().partition("\n")
        paragraphs = [" ".join(p.split()) for p in rest.split("\n\n") if p.strip()]
        if headline.strip() and paragraphs:
            texts.append(SourceText(" ".join(headline.split()), path.parent.name, paragraphs))
        if limit is not None and len(texts) >= limit:
            break
    return texts


def text_items(texts: Iterable[SourceText], *, first_id: int = 1000) -> list[str]:
    """Return WXR post items for `texts`: HTML-escaped paragraphs, alternately classic and blocks.

    The imported bodies must read exactly as the texts did (brackets, ampersands and all).
    """
    items = []
    for number, text in enumerate(texts):
        paragraphs = [html_lib.escape(p, quote=False) for p in text.paragraphs]
        if number % 2:
            content = "\n\n".join(
                f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs
            )
        else:
            content = "\n\n".join(paragraphs)  # classic: paragraphs from blank lines
        day = 1 + number % 28
        items.append(
            item(
                post_id=first_id + number,
                title=html_lib.escape(html_lib.escape(text.headline, quote=False), quote=False),
                slug=f"story-{first_id + number}",
                content=content.replace("]]>", "]]]]><![CDATA[>"),
                date_gmt=f"2005-{1 + number % 12:02d}-{day:02d} 12:00:00",
                categories=((text.section, text.section.title()),),
                creator="jdoe" if number % 3 else "rroe",
            )
        )
    return items


def body_blocks(items: Iterable[dict]) -> list[dict]:
    """Return plain-text body items as StreamField data, paragraphs as escaped HTML.

    The demo loader writes its articles' bodies so; the reference capture must import the same.
    """
    blocks = []
    for item in items:
        if item["type"] == "paragraph":
            blocks.append({"type": "paragraph", "value": f"<p>{escape(item['value'])}</p>"})
        else:
            blocks.append({"type": item["type"], "value": item["value"]})
    return blocks


def write(folder: Path, name: str, text: str) -> Path:
    """Write `text` to `folder/name` and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


ARTICLE_HTML = """<!doctype html>
<html><head>
<title>Bridge reopens after repairs | The Valley Times</title>
<meta property="og:site_name" content="The Valley Times">
<meta property="og:title" content="Bridge reopens after repairs">
<meta property="article:published_time" content="2023-05-06T07:30:00+01:00">
<meta property="article:section" content="Transport">
<link rel="canonical" href="https://valley.example.com/transport/bridge-reopens">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Bridge reopens after repairs",
 "datePublished": "2023-05-06T07:30:00+01:00",
 "author": [{"@type": "Person", "name": "Ada Lovelace"}, {"@type": "Person", "name": "Alan Turing"}],
 "articleSection": ["Transport", "Local"],
 "image": {"@type": "ImageObject", "url": "bridge.png"}}
</script>
</head><body>
<nav><a href="/">Home</a> <a href="/transport">Transport</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Bridge reopens after repairs</h1>
<p class="byline">By Ada Lovelace and Alan Turing</p>
<p>The old stone bridge over the river reopened to traffic on Saturday morning after eight months
of repairs that cost the county more than two million pounds, officials said.</p>
<p>Engineers replaced the worn deck, rebuilt two of the arches and added a footpath on the
downstream side, so that walkers no longer share the narrow roadway with lorries.</p>
<p>"It has been a long wait for the people who cross it every day," said the council leader,
who cut a ribbon at the eastern end while a brass band played on the riverbank.</p>
<p>Traffic lights at both ends will stay for another fortnight while the road markings are
finished, and the weight limit of eighteen tonnes remains in force for now.</p>
<script>alert('x')</script>
</article>
<footer><p>Copyright The Valley Times. All rights reserved.</p></footer>
</body></html>
"""


class ImportTestCase(TestCase):
    """A site with a home page, and a scratch folder (`self.folder`) for each test's files."""

    @classmethod
    def setUpTestData(cls):
        home_page()

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
