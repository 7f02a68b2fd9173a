"""The article page: every part of the reference page, in order, with dates in the newsroom's zone."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from django.apps import apps
from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase

from dateline.core.models import SiteSettings
from dateline.core.testing import clock_at
from dateline.demo.loader import REFERENCE_SLUG, demo_load
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
)
from dateline.newsroom.models import ArticlePage

REFERENCE_PARAGRAPH_STARTS = [
    "Chinese Foreign Minister Wang Yi has reaffirmed",
    "Wang made these remarks during a meeting",
    "During their talks on Tuesday",
    "As geopolitical dynamics continue to evolve",
]


class Outline(HTMLParser):
    """Collect the headings, links and text of a page in document order."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.h1_texts: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "h1":
            self._in_h1 = True
            self.h1_texts.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1_texts[-1] += data


def _today(day: dt.date):
    return clock_at(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC))


class ReferenceArticleTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        demo_load()
        cls.article = ArticlePage.objects.get(slug=REFERENCE_SLUG)

    def get_reference(self, day=dt.date(2026, 12, 9)):
        with _today(day):
            response = self.client.get(self.article.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_served_under_its_primary_section(self):
        self.assertEqual(self.article.url, f"/china-news/{REFERENCE_SLUG}/")

    def test_linked_from_home_page(self):
        with _today(dt.date(2026, 12, 9)):
            home = self.client.get("/").content.decode()
        self.assertIn(f'href="/china-news/{REFERENCE_SLUG}/"', home)

    def test_all_seven_parts_in_reference_order(self):
        html = self.get_reference()
        html = html[html.index("<main") :]  # the header's section menu also links the sections
        positions = [
            html.index("DECEMBER 9, 2022"),
            html.index('href="/china-news/">China News</a>'),
            html.index('href="/russia-news/">Russia News</a>'),
            html.index("<h1"),
            *(html.index(start) for start in REFERENCE_PARAGRAPH_STARTS),
            html.index(">Related News</h2>"),
            html.index(">About Us</h2>"),
            html.index(">On this day</h2>"),
        ]
        self.assertEqual(positions, sorted(positions), "parts are out of the reference order")

    def test_single_h1_is_the_headline(self):
        outline = Outline()
        outline.feed(self.get_reference())
        self.assertEqual(
            outline.h1_texts,
            ["China Reaffirms Strategic Cooperation with Russia Amid Global Shifts"],
        )

    def test_related_news_lists_other_published_stories_on_the_topic(self):
        html = self.get_reference()
        related = html[html.index(">Related News</h2>") : html.index(">About Us</h2>")]
        self.assertNotIn(REFERENCE_SLUG, related)
        self.assertGreaterEqual(related.count("<li>"), 3)
        self.assertIn("China", related)

    def test_about_us_blurb_comes_from_site_settings(self):
        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        settings.about_blurb = "We report on the Averley valley for its residents."
        settings.save()
        html = self.get_reference()
        about = html[html.index(">About Us</h2>") : html.index(">On this day</h2>")]
        self.assertIn("We report on the Averley valley for its residents.", about)

    def test_on_this_day_states_the_year_of_its_entry(self):
        html = self.get_reference(day=dt.date(2026, 12, 9))
        block = html[html.index(">On this day</h2>") :]
        # The demo almanac has an event for every day; the block names its year.
        self.assertRegex(block, r"On this day in \d{1,4}( BC)?:")

    def test_on_this_day_hidden_when_nothing_happened_that_day(self):
        # Without the demo almanac (an event for every day), 28 February has no demo story either.
        apps.get_model("almanac", "Event").objects.all().delete()
        html = self.get_reference(day=dt.date(2026, 2, 29 - 1))
        self.assertNotIn(">On this day</h2>", html)


class DatelineTimeZoneTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        section = SectionPageFactory(parent=home, title="World", slug="world")
        cls.article = ArticlePageFactory(
            parent=section,
            title="Late-night story",
            published_at=dt.datetime(2022, 12, 8, 23, 30, tzinfo=dt.UTC),
            authors=[AuthorFactory()],
        )
        cls.settings = SiteSettings.for_site(home.get_site())

    def dateline_for(self, zone: str) -> str:
        self.settings.time_zone = zone
        self.settings.save()
        html = self.client.get(self.article.url).content.decode()
        start = html.index('class="dateline"')
        return html[start : html.index("</p>", start)]

    def test_utc_plus_8_newsroom_sees_the_next_day(self):
        self.assertIn("DECEMBER 9, 2022", self.dateline_for("Asia/Shanghai"))

    def test_utc_newsroom_sees_the_stored_day(self):
        self.assertIn("DECEMBER 8, 2022", self.dateline_for("UTC"))

    def test_date_line_format_is_a_setting(self):
        self.settings.dateline_format = "j F Y"
        self.settings.dateline_uppercase = False
        self.settings.save()
        self.assertIn("8 December 2022", self.dateline_for("UTC"))
