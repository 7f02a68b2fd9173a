"""duplicate-story through the related-news engine: its selector, the editor's check, the site run."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from dateline.newsroom.factories import (
    ArticlePageFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.text import body_text
from dateline.quality.selectors import article_findings, site_findings
from dateline.related.selectors import similar_stories

WHEN = dt.datetime(2024, 4, 8, 8, tzinfo=dt.UTC)
BRIDGE = [
    "The county council approved the budget for a new footbridge over the river Avon on Monday, "
    "ending a dispute between residents of Millbrook and the harbour authority that began when "
    "the old crossing was closed after storms damaged its supports.",
    "Engineers said the steel structure would be lifted into place by barge, and that walkers and "
    "cyclists could use it before the summer festival. Councillor Ada Byline said the harbour "
    "authority had agreed to share the cost of lighting the approach paths.",
]
MARKET = (
    "The Bank of England said it had provided the money market with 120 mln stg of assistance in "
    "the afternoon session, buying 85 mln stg of band one treasury bills at 10-7/8 pct and 35 mln "
    "stg of band two bank bills at 10-13/16 pct. The bank had forecast a shortage of 400 mln stg."
)


def publish(section, *, title: str, texts: list[str], days_before: int = 1) -> ArticlePage:
    """Publish a story (its publication is what profiles it for the engine) and return it."""
    article = ArticlePageFactory(
        parent=section,
        title=title,
        standfirst="",
        body=paragraphs(*texts),
        published_at=WHEN - dt.timedelta(days=days_before),
    )
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def lookup(*texts: str, title: str = "Footbridge approved", **kwargs) -> list[str]:
    """Return the titles of the stories the selector finds copied by a story of `texts`."""
    found = similar_stories(
        headline=title,
        body_text=" ".join(texts),
        published_at=kwargs.pop("published_at", WHEN),
        window_days=kwargs.pop("window_days", 60),
        **kwargs,
    )
    return [story.title for story in found]


class SimilarStoriesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionPageFactory(parent=home_page(), title="Local", slug="local")
        cls.bridge = publish(cls.section, title="Footbridge approved", texts=BRIDGE)
        cls.market = publish(cls.section, title="Money market given help", texts=[MARKET])
        publish(
            cls.section,
            title="Library opens on Sundays",
            texts=["Millbrook's library will open on Sundays from March, the librarian said."],
        )

    def test_an_identical_story_and_how_close_it_is(self):
        [story] = similar_stories(
            headline="Footbridge approved",
            body_text=body_text(self.bridge.body),
            published_at=WHEN,
            window_days=60,
        )
        self.assertEqual((story.pk, story.title), (self.bridge.pk, "Footbridge approved"))
        self.assertGreaterEqual(story.similarity, 0.99)
        self.assertEqual(story.url(), self.bridge.url)

    def test_an_edited_copy_is_found_and_another_story_is_not(self):
        edited = [BRIDGE[0].replace("Monday", "Tuesday"), BRIDGE[1] + " Work starts in May."]
        self.assertEqual(lookup(*edited), ["Footbridge approved"])
        self.assertEqual(lookup("The harbour authority elected a new chair on Friday."), [])

    def test_the_stored_profile_of_a_published_story(self):
        found = similar_stories(
            profile_of=self.bridge.pk, published_at=WHEN, window_days=60, minimum=0.0
        )
        self.assertNotIn(self.bridge.pk, [story.pk for story in found])
        copy = publish(self.section, title="Footbridge approved", texts=BRIDGE, days_before=2)
        found = similar_stories(profile_of=copy.pk, window_days=60)
        self.assertEqual([story.pk for story in found], [self.bridge.pk])

    def test_window_exclusion_and_unpublished_stories(self):
        late = WHEN + dt.timedelta(days=200)
        self.assertEqual(lookup(*BRIDGE, published_at=late), [])
        self.assertEqual(lookup(*BRIDGE, published_at=late, window_days=0), ["Footbridge approved"])
        self.assertEqual(lookup(*BRIDGE, exclude_id=self.bridge.pk), [])
        self.bridge.unpublish()
        self.assertEqual(lookup(*BRIDGE), [])

    def test_a_report_of_the_same_kind_with_other_figures_is_not_a_copy(self):
        other_day = MARKET
        for before, after in (("120", "265"), ("85", "190"), ("35", "75"), ("400", "350")):
            other_day = other_day.replace(before, after)
        other_day = other_day.replace("10-7/8", "9-3/4").replace("10-13/16", "9-11/16")
        self.assertEqual(lookup(other_day, title="Money market given help"), [])
        # An update that changes one figure of several is still the same story.
        updated = MARKET.replace("400", "450")
        self.assertEqual(
            lookup(updated, title="Money market given help"), ["Money market given help"]
        )


class DuplicateStoryCheckTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionPageFactory(parent=home_page(), title="Local", slug="local")
        cls.bridge = publish(cls.section, title="Footbridge approved", texts=BRIDGE)

    def test_the_editor_is_told_of_the_story_it_copies(self):
        draft = ArticlePage(
            title="Footbridge approved",
            slug="bridge-again",
            standfirst="",
            body=paragraphs(*BRIDGE),
            published_at=WHEN,
        )
        [finding] = [f for f in article_findings(article=draft) if f.code == "duplicate-story"]
        self.assertIn("an identical copy of “Footbridge approved”", finding.message)
        self.assertIn("100% the same", finding.message)
        self.assertTrue(finding.message.endswith(self.bridge.url))

    def test_the_site_run_compares_stored_profiles(self):
        publish(self.section, title="Footbridge approved", texts=BRIDGE, days_before=3)
        findings = [f for f in site_findings() if f.code == "duplicate-story"]
        self.assertEqual(len(findings), 2)  # each of the two copies names the other
