"""Hot pages render in a fixed number of queries, whatever the archive size (no N+1)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils import WagtailPageTestCase

from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    ImageFactory,
    SectionPageFactory,
    home_page,
)

# Upper bounds for one uncached render; raise them only with a reason. Measured after the almanac
# (reviewed events for today) and distribution (its site settings for page metadata) landed:
# article 24, section 17, home 20, author 25, tag 25, search 13; two queries of headroom each.
# With a picture on every story (issue #15), each listing reads all its cards' renditions in one
# query: home 23 (its latest list and its section fronts: one each), search 16; both raised by
# those queries.
BUDGET = {"article": 26, "section": 19, "home": 24, "author": 27, "tag": 27, "search": 17}


class QueryBudgetTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.sections = [
            SectionPageFactory(parent=cls.home, title=f"Desk {n}", slug=f"desk-{n}")
            for n in range(3)
        ]
        cls.author = AuthorFactory(name="Kim Lee", slug="kim-lee")
        # More stories than the front page's latest list holds, so its section fronts (which leave
        # out what it already shows) have stories of their own before the archive grows.
        cls.article = cls.add_articles(12)[0]

    @classmethod
    def add_articles(cls, count: int):
        made = []
        for n in range(count):
            section = cls.sections[n % 3]
            made.append(
                ArticlePageFactory(
                    parent=section,
                    title=f"Harbour report {section.slug} {n} {len(made)}",
                    published_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n),
                    authors=[cls.author, AuthorFactory()],
                    tags=["harbour", f"tag-{n}"],
                    additional_sections=[cls.sections[(n + 1) % 3]],
                    # Each story its own picture: a listing must read all their renditions at once.
                    lead_image=ImageFactory(),
                )
            )
        return made

    def count_queries(self, url: str) -> int:
        self.client.get(url)  # warm per-process caches (site root paths, content types)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def urls(self):
        return {
            "article": self.article.url,
            "section": self.sections[0].url,
            "home": "/",
            "author": "/authors/kim-lee/",
            "tag": "/tags/harbour/",
            "search": "/search/?q=Harbour",
        }

    def test_counts_stay_within_budget_and_do_not_grow_with_the_archive(self):
        before = {name: self.count_queries(url) for name, url in self.urls().items()}
        for name, count in before.items():
            self.assertLessEqual(count, BUDGET[name], f"{name} page: {count} queries")
        self.add_articles(18)
        after = {name: self.count_queries(url) for name, url in self.urls().items()}
        self.assertEqual(before, after, "query counts grew with the number of articles")
