"""Notes on stories (corrections, clarifications, editor's notes, retractions) everywhere they go.

A note is added through `corrections.services` or the admin, and must then be on the story's page
(foot, or top for a retraction, with its date and an "Updated" line), on /corrections/ and its
feed, in the story's JSON-LD (`correction`, `dateModified`), in the site's feeds and sitemap
`lastmod`, in the story's page history, and the cached copies of all of those purged. Outputs are
parsed (lxml, feedparser, extruct, defusedxml), never grepped.
"""

from __future__ import annotations

import datetime as dt

import extruct
import feedparser
import lxml.html
import pytest
from defusedxml import ElementTree
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Site

from dateline.cache.tests.test_page_cache import PageCacheTestCase
from dateline.core.models import SiteSettings
from dateline.corrections import services
from dateline.corrections.models import Correction
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.pages.models import StandardPage
from dateline.quality.selectors import page_findings

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
CORRECTION_TEXT = "An earlier version of this story gave the ferry's capacity as 400; it is 240."
CLARIFICATION_TEXT = "This story now makes clear that the timetable applies to weekdays only."


def _json_ld(html: bytes, url: str) -> list[dict]:
    return extruct.extract(html.decode(), base_url=url, syntaxes=["json-ld"])["json-ld"]


class NotesTestCase(PageCacheTestCase):
    """A harbour desk with two stories published two days ago, and an editor."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.section = SectionPageFactory(parent=cls.home, title="Harbour", slug="harbour")
        cls.author = AuthorFactory(name="Ana Silva", slug="ana-silva")
        cls.published = timezone.now() - dt.timedelta(days=2)
        cls.story = ArticlePageFactory(
            parent=cls.section,
            title="New ferry enters service",
            slug="new-ferry",
            body=paragraphs("The new ferry made its first crossing on Monday."),
            authors=[cls.author],
            published_at=cls.published,
        )
        cls.other = ArticlePageFactory(
            parent=cls.section,
            title="Weekday timetable changes",
            slug="timetable",
            body=paragraphs("The harbour's ferries run to a new timetable from Monday."),
            authors=[cls.author],
            published_at=cls.published - dt.timedelta(hours=1),
        )
        # Both published long ago: no "Updated" line of their own.
        for story in (cls.story, cls.other):
            type(story).objects.filter(pk=story.pk).update(
                first_published_at=story.published_at, last_published_at=story.published_at
            )
        cls.editor = get_user_model().objects.create_user("editor", "", "pw")
        cls.editor.groups.add(Group.objects.get(name="Editor"))

    def add(self, article=None, **fields) -> Correction:
        """Add a note through the service, running the purges it asks for."""
        fields.setdefault("text", CORRECTION_TEXT)
        with self.captureOnCommitCallbacks(execute=True):
            return services.correction_add(article=article or self.story, **fields)

    def article_html(self, article=None) -> lxml.html.HtmlElement:
        response = self.client.get((article or self.story).url)
        self.assertEqual(response.status_code, 200)
        return lxml.html.fromstring(response.content)


class ArticlePageTests(NotesTestCase):
    def test_a_correction_is_at_the_foot_with_its_date_and_an_updated_line(self):
        note = self.add(made_at=timezone.now() - dt.timedelta(hours=3))
        tree = self.article_html()
        (shown,) = tree.xpath(f"//*[@id='{note.anchor}']")
        self.assertIn(CORRECTION_TEXT, shown.text_content())
        self.assertEqual(shown.xpath(".//strong/text()"), ["Correction"])
        (when,) = shown.xpath(".//time/@datetime")
        self.assertEqual(dt.datetime.fromisoformat(when), note.made_at.replace(microsecond=0))
        # At the foot: after the body, not above it.
        (section,) = tree.xpath("//section[contains(@class, 'article-notes--foot')]")
        self.assertTrue(section.xpath("preceding-sibling::div[@class='article__body']"))
        (updated,) = tree.xpath("//p[@class='updated']/time/@datetime")
        self.assertEqual(dt.datetime.fromisoformat(updated), note.made_at.replace(microsecond=0))
        self.assertEqual(len(tree.xpath("//h1")), 1)

    def test_a_retraction_is_above_the_story(self):
        self.add(kind=Correction.Kind.RETRACTION, text="This story has been retracted.")
        tree = self.article_html()
        (section,) = tree.xpath("//section[contains(@class, 'article-notes--top')]")
        self.assertTrue(section.xpath("following-sibling::div[@class='article__body']"))
        self.assertFalse(tree.xpath("//section[contains(@class, 'article-notes--foot')]"))

    def test_the_editor_chooses_whether_a_clarification_marks_an_update(self):
        note = self.add(
            kind=Correction.Kind.CLARIFICATION, text=CLARIFICATION_TEXT, marks_update=False
        )
        tree = self.article_html()
        self.assertIn(CLARIFICATION_TEXT, tree.xpath(f"//*[@id='{note.anchor}']")[0].text_content())
        self.assertEqual(tree.xpath("//p[@class='updated']"), [])
        note.marks_update = True
        with self.captureOnCommitCallbacks(execute=True):
            services.correction_save(note=note)
        self.assertEqual(len(self.article_html().xpath("//p[@class='updated']")), 1)

    def test_a_correction_always_marks_an_update_whatever_was_ticked(self):
        self.add(marks_update=False)
        self.assertEqual(len(self.article_html().xpath("//p[@class='updated']")), 1)

    def test_a_story_without_notes_shows_none(self):
        tree = self.article_html(self.other)
        self.assertEqual(tree.xpath("//section[contains(@class, 'article-notes')]"), [])
        self.assertEqual(tree.xpath("//p[@class='updated']"), [])

    def test_note_text_is_escaped(self):
        note = self.add(text="The <b>mayor</b> & the <script>council</script>.")
        (shown,) = self.article_html().xpath(f"//*[@id='{note.anchor}']")
        self.assertEqual(shown.xpath(".//script | .//b"), [])
        self.assertIn("The <b>mayor</b> & the <script>council</script>.", shown.text_content())

    def test_adding_a_note_leaves_the_body_and_revisions_alone_and_logs_it(self):
        revisions = self.story.revisions.count()
        note = self.add(user=self.editor)
        self.story.refresh_from_db()
        self.assertEqual(self.story.revisions.count(), revisions)
        entry = PageLogEntry.objects.get(page=self.story, action=services.ADD_ACTION)
        self.assertEqual(entry.user, self.editor)
        self.assertEqual(entry.data["text"], CORRECTION_TEXT)
        self.assertIn(CORRECTION_TEXT, entry.message)
        with self.captureOnCommitCallbacks(execute=True):
            services.correction_delete(note=note, user=self.editor)
        self.assertTrue(
            PageLogEntry.objects.filter(page=self.story, action=services.DELETE_ACTION).exists()
        )


class StructuredDataTests(NotesTestCase):
    def test_json_ld_carries_the_notes_and_the_bumped_date_modified(self):
        note = self.add(made_at=timezone.now() - dt.timedelta(hours=1))
        response = self.client.get(self.story.url)
        (article,) = [
            item
            for item in _json_ld(response.content, self.story.get_full_url())
            if item.get("@type") == "NewsArticle"
        ]
        (comment,) = article["correction"]
        self.assertEqual(comment["@type"], "CorrectionComment")
        self.assertEqual(comment["text"], CORRECTION_TEXT)
        self.assertEqual(
            dt.datetime.fromisoformat(comment["datePublished"]), note.made_at.replace(microsecond=0)
        )
        self.assertTrue(comment["url"].endswith(f"#{note.anchor}"))
        modified = dt.datetime.fromisoformat(article["dateModified"])
        self.assertEqual(modified, note.made_at.replace(microsecond=0))
        self.assertGreater(modified, dt.datetime.fromisoformat(article["datePublished"]))

    def test_a_story_without_notes_has_no_correction_property(self):
        response = self.client.get(self.other.url)
        (article,) = [
            item
            for item in _json_ld(response.content, self.other.get_full_url())
            if item.get("@type") == "NewsArticle"
        ]
        self.assertNotIn("correction", article)

    def test_the_publisher_names_the_standards_pages_set_in_site_settings(self):
        site = Site.objects.get(is_default_site=True)
        pages = {}
        for slug in ("corrections-policy", "ethics", "masthead"):
            page = StandardPage(title=slug.title(), slug=slug)
            self.home.add_child(instance=page)
            pages[slug] = page
        self.assertNotIn("correctionsPolicy", self._publisher())
        with self.captureOnCommitCallbacks(execute=True):
            settings = SiteSettings.for_site(site)
            settings.corrections_policy_page = pages["corrections-policy"]
            settings.ethics_policy_page = pages["ethics"]
            settings.masthead_page = pages["masthead"]
            settings.save()
        publisher = self._publisher()
        self.assertEqual(publisher["@type"], "NewsMediaOrganization")
        self.assertEqual(publisher["correctionsPolicy"], pages["corrections-policy"].get_full_url())
        self.assertEqual(publisher["ethicsPolicy"], pages["ethics"].get_full_url())
        self.assertEqual(publisher["masthead"], pages["masthead"].get_full_url())

    def _publisher(self) -> dict:
        response = self.client.get(self.story.url)
        (article,) = [
            item
            for item in _json_ld(response.content, self.story.get_full_url())
            if item.get("@type") == "NewsArticle"
        ]
        return article["publisher"]


class ListingAndFeedTests(NotesTestCase):
    def test_corrections_page_lists_every_note_newest_first(self):
        older = self.add(made_at=timezone.now() - dt.timedelta(hours=5))
        newer = self.add(
            article=self.other,
            kind=Correction.Kind.CLARIFICATION,
            text=CLARIFICATION_TEXT,
            made_at=timezone.now() - dt.timedelta(hours=1),
        )
        response = self.client.get("/corrections/")
        self.assertEqual(response.status_code, 200)
        tree = lxml.html.fromstring(response.content)
        items = tree.xpath("//ol[@class='corrections-list']/li")
        self.assertEqual(len(items), 2)
        links = [item.xpath(".//h2/a/@href")[0] for item in items]
        self.assertEqual(
            links, [f"{self.other.url}#{newer.anchor}", f"{self.story.url}#{older.anchor}"]
        )
        self.assertIn(CLARIFICATION_TEXT, items[0].text_content())
        (feed_link,) = tree.xpath("//head/link[@rel='alternate' and @title='Corrections']/@href")
        self.assertEqual(feed_link, reverse("corrections:feed"))

    def test_notes_on_unpublished_stories_are_not_listed(self):
        self.add(article=self.other)
        with self.captureOnCommitCallbacks(execute=True):
            self.other.unpublish()
        tree = lxml.html.fromstring(self.client.get("/corrections/").content)
        self.assertEqual(tree.xpath("//ol[@class='corrections-list']/li"), [])
        self.assertEqual(
            feedparser.parse(self.client.get("/corrections/feed/").content).entries, []
        )

    def test_corrections_feed_has_one_entry_per_note(self):
        note = self.add()
        feed = feedparser.parse(self.client.get("/corrections/feed/").content)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        (entry,) = feed.entries
        self.assertEqual(entry.title, f"Correction: {self.story.title}")
        self.assertEqual(entry.summary, CORRECTION_TEXT)
        self.assertEqual(entry.link, f"{self.story.get_full_url()}#{note.anchor}")
        self.assertTrue(entry.id.endswith(f":correction:{note.pk}"))

    def test_site_feeds_update_the_corrected_entry(self):
        note = self.add(made_at=timezone.now() - dt.timedelta(minutes=10))
        atom = feedparser.parse(self.client.get("/feeds/atom.xml").content)
        (entry,) = [e for e in atom.entries if e.link == self.story.get_full_url()]
        updated = dt.datetime(*entry.updated_parsed[:6], tzinfo=dt.UTC)
        self.assertEqual(updated, note.made_at.replace(microsecond=0))
        content = lxml.html.fromstring(entry.content[0].value).text_content()
        self.assertIn(CORRECTION_TEXT, content)
        document = self.client.get("/feeds/feed.json").json()
        (item,) = [i for i in document["items"] if i["url"] == self.story.get_full_url()]
        self.assertEqual(
            dt.datetime.fromisoformat(item["date_modified"]), note.made_at.replace(microsecond=0)
        )

    def test_sitemap_lastmod_follows_the_latest_note(self):
        note = self.add(made_at=timezone.now() - dt.timedelta(minutes=10))
        index = ElementTree.fromstring(self._read("/sitemap.xml"))
        bucket_lastmods = [
            dt.datetime.fromisoformat(node.text)
            for node in index.iterfind("sm:sitemap/sm:lastmod", SITEMAP_NS)
        ]
        self.assertIn(note.made_at.replace(microsecond=0), bucket_lastmods)
        urls = [
            node.text
            for node in index.iterfind("sm:sitemap/sm:loc", SITEMAP_NS)
            if "articles-" in node.text
        ]
        rows = {}
        for url in urls:
            tree = ElementTree.fromstring(self._read(url.removeprefix("http://localhost")))
            for node in tree.iterfind("sm:url", SITEMAP_NS):
                rows[node.find("sm:loc", SITEMAP_NS).text] = node.find(
                    "sm:lastmod", SITEMAP_NS
                ).text
        corrected = dt.datetime.fromisoformat(rows[self.story.get_full_url()])
        self.assertEqual(corrected, note.made_at.replace(microsecond=0))
        untouched = dt.datetime.fromisoformat(rows[self.other.get_full_url()])
        self.assertLess(untouched, corrected)

    def _read(self, url: str) -> bytes:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content


class CachePurgeTests(NotesTestCase):
    URLS = ("/harbour/new-ferry/", "/corrections/", "/corrections/feed/", "/feeds/atom.xml")

    def test_a_note_purges_the_story_the_corrections_page_and_the_feeds(self):
        for url in self.URLS:
            self.client.get(url)
            self.assertEqual(self.state(url), "hit", url)
        self.client.get(self.other.url)
        note = self.add()
        for url in self.URLS:
            with self.subTest(url=url):
                self.assertEqual(self.state(url), "miss")
        # Exact: the other story's page is untouched.
        self.assertEqual(self.state(self.other.url), "hit")
        self.assertIn(CORRECTION_TEXT, self.client.get(self.story.url).content.decode())
        # A change and a removal purge the same pages.
        for url in self.URLS:
            self.client.get(url)
        note.text = "The ferry carries 240 passengers."
        with self.captureOnCommitCallbacks(execute=True):
            services.correction_save(note=note)
        self.assertEqual([self.state(url) for url in self.URLS], ["miss"] * len(self.URLS))
        with self.captureOnCommitCallbacks(execute=True):
            services.correction_delete(note=note)
        self.assertNotIn("240 passengers", self.client.get(self.story.url).content.decode())


class QualityTests(NotesTestCase):
    def test_an_empty_note_is_flagged_on_its_story(self):
        self.assertNotIn("note-empty", [f.code for f in page_findings(page=self.story)])
        self.add(text="   ")
        story = type(self.story).objects.get(pk=self.story.pk)
        findings = [f for f in page_findings(page=story) if f.code == "note-empty"]
        self.assertEqual(len(findings), 1)
        self.assertEqual(findings[0].where, "correction 1 (Corrections menu)")


class AdminTests(NotesTestCase):
    def test_an_editor_adds_a_correction_from_the_story(self):
        self.client.force_login(self.editor)
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=(self.story.pk,)))
        add_url = (
            reverse("wagtailsnippets_corrections_correction:add") + f"?article={self.story.pk}"
        )
        self.assertContains(edit, add_url)
        form = self.client.get(add_url)
        self.assertEqual(form.context["form"].initial["article"], self.story.pk)
        made = timezone.localtime() - dt.timedelta(minutes=5)
        self.client.get(self.story.url)  # cached for readers
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                add_url,
                {
                    "article": self.story.pk,
                    "kind": "correction",
                    "text": CORRECTION_TEXT,
                    "made_at": made.strftime("%Y-%m-%d %H:%M"),
                    "marks_update": "on",
                },
            )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        note = Correction.objects.get(article=self.story)
        self.assertEqual(note.created_by, self.editor)
        self.assertTrue(
            PageLogEntry.objects.filter(
                page=self.story, action=services.ADD_ACTION, user=self.editor
            ).exists()
        )
        self.client.logout()
        self.assertEqual(self.state(self.story.url), "miss")

    def test_a_note_dated_in_the_future_is_refused(self):
        self.client.force_login(self.editor)
        later = timezone.localtime() + dt.timedelta(days=1)
        response = self.client.post(
            reverse("wagtailsnippets_corrections_correction:add"),
            {
                "article": self.story.pk,
                "kind": "correction",
                "text": CORRECTION_TEXT,
                "made_at": later.strftime("%Y-%m-%d %H:%M"),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("made_at", response.context["form"].errors)
        self.assertFalse(Correction.objects.exists())


@pytest.mark.usefixtures("site_memo_on")
class MemoTests(NotesTestCase):
    """With the process memo on, as in production: a story learns of its first note at once."""

    def test_the_first_note_on_a_story_shows_on_the_next_render(self):
        self.assertEqual(self.article_html().xpath("//*[contains(@class, 'article-note ')]"), [])
        note = self.add()
        self.assertEqual(len(self.article_html().xpath(f"//*[@id='{note.anchor}']")), 1)
        with self.captureOnCommitCallbacks(execute=True):
            services.correction_delete(note=note)
        self.assertEqual(self.article_html().xpath(f"//*[@id='{note.anchor}']"), [])
