"""Embargoes (newsroom.embargo): a story is nowhere before its embargo, and everywhere after it.

Each surface a reader or a machine could find a story on is read before the embargo (the story
published early, as by mistake) and one scheduler tick after it lifts, through the page cache.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from dateline.cache.tests.test_page_cache import PageCacheTestCase
from dateline.core import scheduler
from dateline.core.publishing import PublishBlocked, PublishPath, publish_path
from dateline.core.testing import clock_at
from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.services import article_save
from dateline.related.models import RelatedLink

TEXT = "The lighthouse keepers' cooperative votes on the harbour lamp restoration fund."
HEADLINE = "Lighthouse cooperative backs lamp restoration"
ANNIVERSARY = "A year of the keepers cooperative"


def body(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


class EmbargoTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.section = SectionPageFactory(parent=cls.home, title="Harbour", slug="harbour")
        cls.author = AuthorFactory(name="Ines Okafor", slug="ines-okafor")

    def save(self, slug: str, title: str, **fields) -> ArticlePage:
        with self.captureOnCommitCallbacks(execute=True):
            return article_save(
                section=self.section,
                slug=slug,
                title=title,
                body=body(TEXT),
                authors=[self.author],
                tags=["lighthouse"],
                **fields,
            )

    def read(self, path: str) -> str:
        """Return what a reader gets at `path` ("" for a 404; any other failure fails the test)."""
        response = self.client.get(path)
        if response.status_code == 404:
            return ""
        self.assertEqual(response.status_code, 200, path)
        return b"".join(response).decode() if response.streaming else response.content.decode()

    def surfaces(self, story: ArticlePage) -> dict[str, str]:
        """Every place the story could be found, and what a reader gets there."""
        today = timezone.localdate()
        index = self.read("/sitemap.xml")
        article_maps = re.findall(r"<loc>https?://[^/]+(/sitemaps/articles-\d+\.xml)</loc>", index)
        return {
            "page": self.read(f"/harbour/{story.slug}/"),
            "home": self.read("/"),
            "section": self.read(self.section.url),
            "author": self.read("/authors/ines-okafor/"),
            "tag": self.read("/tags/lighthouse/"),
            "rss": self.read("/feeds/rss.xml"),
            "atom": self.read("/feeds/atom.xml"),
            "json feed": self.read("/feeds/feed.json"),
            "section feed": self.read("/feeds/sections/harbour/rss.xml"),
            "news sitemap": self.read("/sitemaps/news.xml"),
            "sitemap": "".join(self.read(path) for path in article_maps),
            "search": self.read("/search/?q=lighthouse+restoration"),
            "on this day": self.read(f"/on-this-day/{today.month}-{today.day}/"),
        }

    def assertNowhere(self, story: ArticlePage, headline: str = HEADLINE) -> None:
        for name, text in self.surfaces(story).items():
            self.assertNotIn(headline, text, f"the embargoed story is on the {name}")
            self.assertNotIn(f"/harbour/{story.slug}/", text, f"linked from the {name}")
        self.assertFalse(RelatedLink.objects.filter(related=story).exists(), "in Related News")

    def assertOn(self, story: ArticlePage, names: set[str], headline: str = HEADLINE) -> None:
        for name, text in self.surfaces(story).items():
            if name in names:
                found = f"/harbour/{story.slug}/" if name == "sitemap" else headline
                self.assertIn(found, text, f"not on the {name} after the embargo")

    def test_published_early_it_is_nowhere_and_one_tick_after_the_embargo_everywhere(self):
        start = timezone.now()
        embargo = start + dt.timedelta(hours=1)
        # An older story on the subject, whose Related News list the new one will join.
        older = self.save("lamp-fund", "Harbour lamp fund opens", published_at=start)
        # The reader pages are stored in the page cache before the embargoed story is published.
        for path in ("/", self.section.url, "/tags/lighthouse/"):
            self.client.get(path)
        with publish_path(PublishPath.EDITOR):
            story = self.save("lighthouse-vote", HEADLINE, embargo_until=embargo)
            # A story dated a year back to the day, so On this day would list it once live.
            dated = (
                start.replace(year=start.year - 1) if (start.month, start.day) != (2, 29) else None
            )
            anniversary = self.save(
                "keepers-year", ANNIVERSARY, embargo_until=embargo, published_at=dated
            )
        story.refresh_from_db()
        self.assertFalse(story.live, "publishing before the embargo only schedules it")
        self.assertEqual(story.get_latest_revision().approved_go_live_at, embargo)
        self.assertNowhere(story)
        self.assertNowhere(anniversary, ANNIVERSARY)
        with clock_at(start + dt.timedelta(minutes=59)):
            with self.captureOnCommitCallbacks(execute=True):
                scheduler.scheduler_tick(worker="w1", interval=20)
            story.refresh_from_db()
            self.assertFalse(story.live, "a minute before the embargo")
        with clock_at(embargo + dt.timedelta(seconds=20)):
            with self.captureOnCommitCallbacks(execute=True):
                scheduler.scheduler_tick(worker="w1", interval=20)
            story.refresh_from_db()
            self.assertTrue(story.live, "one tick after the embargo")
            self.assertOn(story, set(self.surfaces(story)) - {"on this day"})
            if dated is not None:
                self.assertOn(anniversary, {"page", "on this day", "sitemap"}, ANNIVERSARY)
            self.assertTrue(RelatedLink.objects.filter(article=older, related=story).exists())

    def test_a_schedule_earlier_than_the_embargo_is_moved_to_it(self):
        start = timezone.now()
        embargo = start + dt.timedelta(hours=2)
        story = self.save(
            "early", HEADLINE, embargo_until=embargo, go_live_at=start + dt.timedelta(minutes=5)
        )
        self.assertEqual(story.get_latest_revision().approved_go_live_at, embargo)
        later = self.save(
            "later", "Later", embargo_until=embargo, go_live_at=embargo + dt.timedelta(hours=1)
        )
        self.assertEqual(
            later.get_latest_revision().approved_go_live_at, embargo + dt.timedelta(hours=1)
        )

    def test_no_path_publishes_it_early_even_without_the_clean(self):
        embargo = timezone.now() + dt.timedelta(hours=1)
        story = self.save("held", HEADLINE, publish=False)
        page = ArticlePage.objects.get(pk=story.pk)
        page.embargo_until = embargo
        revision = page.save_revision(clean=False)  # as code that skips validation would
        for path in (PublishPath.SERVICE, PublishPath.IMPORT, PublishPath.EDITOR):
            with publish_path(path), self.assertRaises(PublishBlocked) as refused:
                revision.publish()
            self.assertIn("embargoed until", str(refused.exception))
        story.refresh_from_db()
        self.assertFalse(story.live)
        self.assertNowhere(story)

    def test_a_live_story_cannot_be_embargoed(self):
        story = self.save("live", HEADLINE)
        page = ArticlePage.objects.get(pk=story.pk)
        page.embargo_until = timezone.now() + dt.timedelta(hours=1)
        with self.assertRaises(ValidationError) as refused:
            page.full_clean()
        self.assertIn("embargo_until", refused.exception.message_dict)

    def test_an_embargo_that_has_passed_changes_nothing(self):
        story = self.save("past", HEADLINE, embargo_until=timezone.now() - dt.timedelta(minutes=1))
        self.assertTrue(story.live)
        self.assertFalse(story.embargoed)
