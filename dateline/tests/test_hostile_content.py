"""Hostile content on every page type and output, server side (issue 16; payloads in `hostile.py`).

One newsroom is written out of the payloads through the services (`hostile_newsroom_build`), and
through the WordPress and saved-page importers with hostile files written here. Then every reader
page type and every output is fetched as a reader would: it answers (200, or 404 where it should),
its HTML holds nothing that could run (`hostile.html_hazards`, parsed as a browser parses), its
JSON-LD blocks hold no `</script`, `<!--` or U+2028/U+2029 and give back the text that was written,
feeds and sitemaps parse as XML, and the JSON Feed as JSON. The browser suite
(`browser/test_hostile_browser.py`) loads the same pages in Chromium.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlsplit

from defusedxml import ElementTree
from django.core.cache import caches
from django.test import TestCase
from wagtail.models import Site

from dateline.core.services import site_settings_update
from dateline.newsroom.models import ArticlePage
from dateline.tests import hostile
from dateline.tests.hostile import PAYLOADS, html_hazards, json_ld_blocks

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# What a text may lose on its way to a page: characters XML 1.0 and PostgreSQL cannot carry.
_UNCARRIED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# One payload of each category, for the checks that cost a page render per payload per setting.
FIRST_OF_EACH = [next(p for p in PAYLOADS if p.category == c) for c in hostile.CATEGORIES]


def carried(text: str) -> str:
    """Return `text` as the site keeps it: without the control characters no output can carry."""
    return _UNCARRIED.sub("", text)


class HostileContentTestCase(TestCase):
    """The hostile newsroom, written once for the module's tests."""

    @classmethod
    def setUpTestData(cls):
        cls.built = hostile.hostile_newsroom_build()

    def setUp(self):
        for cache in caches.all():
            cache.clear()

    def fetch(self, path: str, *, expect: int = 200) -> str:
        """GET `path` as an anonymous reader; fail unless it answers `expect`; return the body."""
        response = self.client.get(path)
        self.assertEqual(response.status_code, expect, path)
        if response.streaming:
            return b"".join(response.streaming_content).decode("utf-8")
        return response.content.decode("utf-8")

    def assert_page_safe(self, path: str, *, expect: int = 200) -> str:
        """Fetch a reader page and fail on anything in it that could run, or on a broken JSON-LD."""
        body = self.fetch(path, expect=expect)
        self.assertEqual(html_hazards(body), [], path)
        for block in json_ld_blocks(body):
            for forbidden in ("</script", "<!--", "\u2028", "\u2029"):
                self.assertNotIn(forbidden, block.lower(), path)
            json.loads(block)
        return body


class ReaderPages:
    """Every reader page type."""

    def test_every_payloads_own_pages_are_safe_and_their_json_ld_true(self):
        for payload in PAYLOADS:
            article = self.built.articles[payload.id]
            author = self.built.authors[payload.id]
            tag = self.built.tags[payload.id]
            for kind, path in self.built.page_paths(payload.id).items():
                with self.subTest(payload=payload.id, page=kind):
                    body = self.assert_page_safe(path)
                    data = [json.loads(block) for block in json_ld_blocks(body)]
                    types = {d.get("@type"): d for d in data}
                    if kind == "article":
                        news = types["NewsArticle"]
                        self.assertEqual(news["headline"], article.title)
                        self.assertEqual([a["name"] for a in news["author"]], [author.name])
                        self.assertEqual(news["keywords"], [tag.name])
                    elif kind == "author":
                        person = types["ProfilePage"]["mainEntity"]
                        self.assertEqual(person["name"], author.name)
                        self.assertEqual(person.get("description", ""), author.bio)
                    elif kind == "tag":
                        crumbs = types["BreadcrumbList"]["itemListElement"]
                        self.assertEqual(crumbs[-1]["name"], tag.name)

    def test_the_listings_that_show_every_payload_are_safe(self):
        paths = ["/", "/on-this-day/", "/on-this-day/{}-{}/".format(*hostile.EVENT_DATE)]
        for path in paths:
            with self.subTest(path=path):
                self.assert_page_safe(path)

    def test_hostile_search_queries_are_safe(self):
        for payload in PAYLOADS:
            with self.subTest(payload=payload.id):
                self.assert_page_safe("/search/?q=" + quote(payload.text[:3000]))
        # A query that finds the hostile stories, so their snippets are shown too.
        body = self.assert_page_safe("/search/?q=hostile")
        self.assertIn("search-result", body)

    def test_hostile_site_settings_are_safe_on_every_page_kind(self):
        site = Site.objects.get(is_default_site=True)
        for payload in FIRST_OF_EACH:
            site_settings_update(
                site=site,
                site_name=carried(payload.short(100)) or "x",
                tagline=carried(payload.short(200)),
                about_blurb=carried(payload.text),
                about_page=self.built.standard_pages[payload.id],
            )
            for cache in caches.all():
                cache.clear()
            article = self.built.articles[PAYLOADS[0].id].url
            for path in ("/", article, self.built.standard_pages[payload.id].url, "/search/?q=x"):
                with self.subTest(payload=payload.id, path=path):
                    self.assert_page_safe(path)
            with self.subTest(payload=payload.id, path="404"):
                self.assert_page_safe("/no-such-page/", expect=404)

    def test_hostile_paths_answer_404_safely(self):
        for payload in FIRST_OF_EACH:
            for prefix in ("/", "/tags/", "/authors/", "/feeds/tags/"):
                path = prefix + quote(payload.text[:300], safe="") + "/"
                with self.subTest(payload=payload.id, prefix=prefix):
                    response = self.client.get(path)
                    self.assertIn(response.status_code, (404, 301), path)
                    if response.status_code == 404:
                        self.assertEqual(html_hazards(response.content.decode()), [], path)


class Outputs:
    """Feeds, sitemaps and robots.txt."""

    def _xml(self, path: str):
        return ElementTree.fromstring(self.fetch(path).encode("utf-8"))

    def _feed_paths(self) -> list[str]:
        paths = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]
        # Each payload's section, author and tag feeds, each in one of the three formats in turn
        # (the formats share one scope builder; every format still meets every payload).
        names = ("rss.xml", "atom.xml", "feed.json")
        for n, payload in enumerate(PAYLOADS):
            for k, (scope, slug) in enumerate(
                (
                    ("sections", self.built.sections[payload.id].slug),
                    ("authors", self.built.authors[payload.id].slug),
                    ("tags", self.built.tags[payload.id].slug),
                )
            ):
                paths.append(f"/feeds/{scope}/{quote(slug)}/{names[(n + k) % 3]}")
        return paths

    def test_every_feed_parses_and_gives_back_the_headlines(self):
        titles = {carried(a.title) for a in self.built.articles.values()}
        for path in self._feed_paths():
            with self.subTest(path=path):
                if path.endswith(".json"):
                    data = json.loads(self.fetch(path))
                    found = {item["title"] for item in data["items"]}
                    for item in data["items"]:
                        self.assertNotIn("<script", item.get("content_html", "").lower())
                elif path.endswith("rss.xml"):
                    channel = self._xml(path).find("channel")
                    found = {item.findtext("title") for item in channel.iter("item")}
                    for item in channel.iter("item"):
                        self.assertEqual(html_hazards(item.findtext("description") or ""), [])
                else:
                    feed = self._xml(path)
                    found = {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")}
                    for entry in feed.iter(f"{ATOM}entry"):
                        for part in ("summary", "content"):
                            self.assertEqual(html_hazards(entry.findtext(ATOM + part) or ""), [])
                self.assertTrue(found, path)
                self.assertLessEqual(found, titles, path)
        main = json.loads(self.fetch("/feeds/feed.json"))
        self.assertTrue(any(i["title"] in titles for i in main["items"]))

    def test_every_sitemap_parses_and_lists_the_hostile_pages(self):
        index = self._xml("/sitemap.xml")
        listed = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
        self.assertTrue(listed)
        urls: set[str] = set()
        for address in listed:
            tree = self._xml(urlsplit(address).path)
            urls |= {loc.text for loc in tree.iter(f"{SITEMAP}loc")}
        for article in self.built.articles.values():
            self.assertIn(article.full_url, urls)
        news = self._xml("/sitemaps/news.xml")
        names = {e.text for e in news.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")}
        self.assertTrue(names)
        self.assertLessEqual(names, {carried(a.title) for a in self.built.articles.values()})

    def test_robots_txt_answers(self):
        self.assertIn("Sitemap:", self.fetch("/robots.txt"))


class ArticleValidity:
    """The article pages through the Nu HTML checker."""

    def test_article_pages_are_valid_html(self):
        """Every hostile article through the Nu HTML checker, in one run: no error at all."""
        import os

        from dateline.distribution.tests.test_html_validity import (
            VNU_JAR,
            checker_command,
            html_errors,
        )

        command = checker_command()
        if command is None:
            reason = f"Nu HTML Checker unavailable (need java and {VNU_JAR})"
            if os.environ.get("CI") == "true":
                self.fail(reason)
            self.skipTest(reason)
        pages = {
            f"article-{p.id}": self.client.get(self.built.articles[p.id].url).content
            for p in FIRST_OF_EACH
        }
        self.assertEqual(html_errors(command, pages), [])

    def test_the_stored_article_keeps_the_text(self):
        article = ArticlePage.objects.get(slug="hostile-bidi-rlo")
        self.assertEqual(article.title, hostile.BY_ID["bidi-rlo"].text)


class HostileContentTests(ReaderPages, Outputs, ArticleValidity, HostileContentTestCase):
    """All of the above over one hostile newsroom (built once: `setUpTestData`)."""


def _cdata(text: str) -> str:
    # As WordPress writes it: "]]>" cannot stand inside one CDATA section.
    return text.replace("]]>", "]]]]><![CDATA[>")


def hostile_wxr(payloads) -> str:
    """Return a WordPress export with one post per payload: in its title, content, excerpt, author
    display name, category and tag."""
    from html import escape

    from dateline.importers.tests.fixtures import item, wxr

    header = "".join(
        f"<wp:author><wp:author_login>h{n}</wp:author_login><wp:author_display_name>"
        f"<![CDATA[{_cdata(carried(p.short(200)))}]]></wp:author_display_name></wp:author>"
        for n, p in enumerate(payloads)
    )
    items = [
        item(
            post_id=1000 + n,
            title=escape(carried(p.short(255))),
            content=_cdata(carried(p.text)) + "<p>Filed by the hostile desk.</p>",
            excerpt=_cdata(carried(p.text)),
            slug=f"hostile-wxr-{n}",
            creator=f"h{n}",
            categories=((f"hwxr-{n}", _cdata(carried(p.short(200)))),),
            tags=((f"hwxr-tag-{n}", _cdata(carried(p.short(100)))),),
        )
        for n, p in enumerate(payloads)
    ]
    return wxr(*items, header=header)


def hostile_html_page(payload) -> str:
    """Return a saved article page carrying `payload` in its metadata, headline, byline and body."""
    from html import escape

    text = escape(carried(payload.short(255)))
    filler = "<p>The council met on Tuesday to discuss the budget for the coming year. </p>" * 3
    return (
        "<!doctype html><html><head>"
        f'<title>{text}</title><meta property="og:title" content="{text}">'
        '<meta property="article:published_time" content="2023-05-06T07:30:00+01:00">'
        f'<meta property="article:section" content="{escape(carried(payload.short(100)))}">'
        f"</head><body><article><h1>{text}</h1>"
        f'<p class="byline">By {escape(carried(payload.short(100)))}</p>'
        f"<p>{carried(payload.text)}</p>{filler}</article></body></html>"
    )


class ImportedHostileContentTests(TestCase):
    """The payloads through the WordPress and saved-page importers, then on the pages they made."""

    @classmethod
    def setUpTestData(cls):
        import tempfile
        from pathlib import Path

        from dateline.importers.html import html_import
        from dateline.importers.wordpress.run import wordpress_import
        from dateline.newsroom.factories import home_page

        home_page()
        folder = Path(tempfile.mkdtemp(prefix="dateline-hostile-import-"))
        (folder / "export.xml").write_text(hostile_wxr(PAYLOADS), encoding="utf-8")
        cls.wxr_report = wordpress_import(path=folder / "export.xml", commit=True)
        pages = folder / "pages"
        pages.mkdir()
        for n, payload in enumerate(PAYLOADS):
            (pages / f"page-{n}.html").write_text(hostile_html_page(payload), encoding="utf-8")
        cls.html_report = html_import(source=pages, commit=True, section="Imported")

    def setUp(self):
        for cache in caches.all():
            cache.clear()

    def test_every_post_and_page_was_imported(self):
        self.assertEqual(self.wxr_report.counts["post"]["create"], len(PAYLOADS), self.wxr_report)
        # A page whose headline is only markup as text ("<script>...</script>") is refused with a
        # note rather than imported half-empty: each page is one or the other.
        refused = [n for n in self.html_report.notes if "not imported" in n]
        self.assertEqual(self.html_report.total("create") + len(refused), len(PAYLOADS))
        self.assertGreater(self.html_report.total("create"), len(PAYLOADS) // 3)

    def test_imported_pages_and_outputs_are_safe(self):
        from taggit.models import Tag

        from dateline.newsroom.models import Author, tag_path

        paths = ["/", "/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/sitemaps/news.xml"]
        paths += [a.url for a in ArticlePage.objects.live()]
        paths += [a.get_absolute_url() for a in Author.objects.all()]
        paths += [tag_path(t.slug) for t in Tag.objects.all()]
        self.assertGreaterEqual(len(paths), 3 * len(PAYLOADS))
        for path in paths:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200, path)
                body = response.content.decode()
                if path.endswith(".xml"):
                    ElementTree.fromstring(response.content)
                elif path.endswith(".json"):
                    json.loads(body)
                else:
                    self.assertEqual(html_hazards(body), [], path)
                    for block in json_ld_blocks(body):
                        self.assertNotIn("</script", block.lower())
                        self.assertNotIn("\u2028", block)
                        json.loads(block)


class AlmanacLinkTests(TestCase):
    """An On this day event never links readers to a script or a data: document."""

    def test_events_import_refuses_links_that_are_not_web_addresses(self):
        from dateline.almanac.importing import EventRow
        from dateline.almanac.services import events_import

        for link in ("javascript:alert(1)", " javascript:x", "data:text/html,x", "vbscript:x"):
            with self.subTest(link=link), self.assertRaisesMessage(ValueError, "not an http(s)"):
                events_import(rows=[EventRow(month=3, day=4, year=1999, text="x", link=link)])

    def test_a_stored_script_link_is_not_shown(self):
        from dateline.almanac.models import Event
        from dateline.newsroom.factories import home_page

        home_page()
        Event.objects.create(
            month=3,
            day=4,
            year=1999,
            text="Something happens.",
            link="javascript:alert(1)",
            status=Event.Status.REVIEWED,
        )
        body = self.client.get("/on-this-day/3-4/").content.decode()
        self.assertIn("Something happens.", body)
        self.assertNotIn("javascript:", body)


class TagSlugTests(TestCase):
    def test_a_tag_of_punctuation_alone_gets_a_page(self):
        from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page
        from dateline.newsroom.models import tag_path
        from dateline.newsroom.services import tag_ensure

        tag = tag_ensure(name='">')
        self.assertTrue(tag.slug)
        ArticlePageFactory(parent=SectionPageFactory(parent=home_page()), tags=[tag])
        body = self.client.get(tag_path(tag.slug)).content.decode()
        self.assertIn("&quot;&gt;", body)


class LongHeadlineTests(TestCase):
    """A headline past the page title's 255 characters: a clear refusal from the service; the
    WordPress importer already cuts it (checked, so it stays so)."""

    def test_article_save_refuses_it_plainly_on_every_database(self):
        from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
        from dateline.newsroom.services import article_save

        section = SectionPageFactory(parent=home_page())
        with self.assertRaisesMessage(ValueError, "is 300 characters; 255 at most"):
            article_save(
                section=section, slug="long", title="A" * 300, body=[], authors=[AuthorFactory()]
            )

    def test_a_wordpress_post_with_a_long_title_is_imported_cut(self):
        import tempfile
        from pathlib import Path

        from dateline.importers.tests.fixtures import item, wxr
        from dateline.importers.wordpress.run import wordpress_import
        from dateline.newsroom.factories import home_page

        home_page()
        path = Path(tempfile.mkdtemp(prefix="dateline-hostile-long-")) / "export.xml"
        path.write_text(wxr(item(post_id=7, title="Word " * 80, slug="long")), encoding="utf-8")
        report = wordpress_import(path=path, commit=True)
        self.assertEqual(report.counts["post"]["create"], 1)
        self.assertEqual(len(ArticlePage.objects.get(slug="long").title), 255)
