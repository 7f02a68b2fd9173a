"""Stories created in bulk (`articles_create_bulk`) are the stories `article_save` makes one by one.

The importers write an archive's new stories through the bulk path; readers, editors and the page
history must not be able to tell them apart from stories saved one at a time, and the publish
guards must still judge every one.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry

from dateline.core.publishing import (
    PublishBlocked,
    PublishPath,
    PublishProblem,
    PublishRequest,
    publish_path,
    publish_problems_collected,
)
from dateline.core.testing import publish_guards_only
from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.services import ArticleFields, article_save, articles_create_bulk

WHEN = dt.datetime(2021, 3, 4, 9, 30, tzinfo=dt.UTC)


def body(text: str) -> list[dict]:
    """Return a one-paragraph StreamField body."""
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def no_tk(request: PublishRequest) -> list[PublishProblem]:
    """A guard that finds the reporter's "TK" (to come) left in a headline."""
    if "TK" in request.page.title:
        return [PublishProblem(code="tk", message="the headline still says TK")]
    return []


class BulkCreateTests(TestCase):
    def setUp(self):
        self.enterContext(publish_guards_only())
        home = home_page()
        self.world = SectionPageFactory(parent=home, title="World", slug="world")
        self.science = SectionPageFactory(parent=home, title="Science", slug="science")
        self.authors = [AuthorFactory(name="Mei Lin"), AuthorFactory(name="Tomás Ruiz")]

    def fields(self, slug: str, **overrides) -> ArticleFields:
        values = {
            "section": self.world,
            "slug": slug,
            "title": f"Harbour story {slug}",
            "body": body(f"The harbour reopened ({slug})."),
            "authors": self.authors,
            "standfirst": "Ships return.",
            "published_at": WHEN,
            "updated_at": WHEN + dt.timedelta(days=1),
            "tags": ["harbour", "shipping"],
            "additional_sections": [self.science, self.world],
        }
        return ArticleFields(**{**values, **overrides})

    def test_a_bulk_story_equals_one_saved_alone(self):
        alone = article_save(**vars(self.fields("alone")))
        [bulk] = articles_create_bulk([self.fields("bulk")])
        alone.refresh_from_db()
        bulk = ArticlePage.objects.get(pk=bulk.pk)
        for name in (
            "live",
            "has_unpublished_changes",
            "first_published_at",
            "last_published_at",
            "published_at",
            "updated_at",
            "standfirst",
            "depth",
            "locale_id",
            "content_type_id",
        ):
            self.assertEqual(getattr(bulk, name), getattr(alone, name), name)
        self.assertEqual(bulk.url_path, "/home/world/bulk/")
        self.assertEqual(bulk.get_parent().pk, self.world.pk)
        self.assertEqual(
            [a.author.name for a in bulk.article_authors.all()], ["Mei Lin", "Tomás Ruiz"]
        )
        self.assertEqual(sorted(bulk.tags.names()), ["harbour", "shipping"])
        # The primary section is never also an additional one.
        self.assertEqual(list(bulk.additional_sections.all()), [self.science])
        self.assertEqual(bulk.body.raw_data[0]["value"], "<p>The harbour reopened (bulk).</p>")

    def test_tree_revisions_and_history_are_whole(self):
        pages = articles_create_bulk([self.fields(f"story-{n}") for n in range(30)])
        # Treebeard's own audit: paths, depths and child counts agree.
        self.assertEqual([len(found) for found in Page.find_problems()], [0, 0, 0, 0, 0])
        self.world.refresh_from_db()
        self.assertEqual(self.world.numchild, 30)
        for page in ArticlePage.objects.filter(pk__in=[p.pk for p in pages]):
            revision = page.latest_revision
            self.assertEqual(revision.object_id, str(page.pk))
            self.assertEqual(page.live_revision_id, revision.pk)
            self.assertEqual(revision.as_object().title, page.title)
            actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
            self.assertEqual(actions, {"wagtail.create", "wagtail.publish"})
        # A later page added the usual way goes after them, and the tree stays whole.
        article_save(**vars(self.fields("later")))
        self.assertEqual([len(found) for found in Page.find_problems()], [0, 0, 0, 0, 0])

    def test_drafts_are_not_live(self):
        [draft] = articles_create_bulk([self.fields("draft", publish=False)])
        draft.refresh_from_db()
        self.assertFalse(draft.live)
        self.assertTrue(draft.has_unpublished_changes)
        self.assertIsNone(draft.live_revision_id)
        self.assertIsNotNone(draft.latest_revision_id)

    def test_readers_see_bulk_stories(self):
        [story] = articles_create_bulk([self.fields("read-me")])
        response = self.client.get(story.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Harbour story read-me")
        self.assertContains(self.client.get(self.world.url), "Harbour story read-me")

    def test_queries_do_not_grow_with_the_batch(self):
        Tag.objects.create(name="harbour")
        Tag.objects.create(name="shipping")

        def queries(count: int, prefix: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                articles_create_bulk([self.fields(f"{prefix}-{n}") for n in range(count)])
            return len(captured)

        small, large = queries(5, "small"), queries(50, "large")
        # Wagtail's own path costs some seventy queries a story; ten times the stories in one
        # batch cost the same few multi-row statements (on SQLite, whose limit of 999 parameters
        # a statement splits the widest INSERTs, one or two more).
        self.assertLessEqual(large - small, 4, (small, large))

    def test_guards_judge_every_story(self):
        with (
            publish_guards_only(tk=no_tk),
            publish_path(PublishPath.IMPORT),
            publish_problems_collected() as collected,
        ):
            articles_create_bulk([self.fields("clean"), self.fields("tk", title="Mayor TK")])
        problems = {page.slug: [p.code for p in found] for page, found in collected}
        self.assertEqual(problems, {"clean": [], "tk": ["tk"]})

    def test_a_guard_that_blocks_rolls_the_batch_back(self):
        with (
            publish_guards_only(tk=no_tk),
            publish_path(PublishPath.EDITOR),
            self.assertRaises(PublishBlocked),
            transaction.atomic(),
        ):
            articles_create_bulk([self.fields("clean"), self.fields("tk", title="Mayor TK")])
        self.assertFalse(ArticlePage.objects.filter(slug__in=["clean", "tk"]).exists())

    def test_scheduled_stories_are_refused(self):
        future = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        with self.assertRaisesMessage(ValueError, "scheduled"):
            articles_create_bulk([self.fields("later", go_live_at=future)])

    def test_body_is_stored_as_given(self):
        [story] = articles_create_bulk([self.fields("json")])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT body FROM newsroom_articlepage WHERE page_ptr_id = %s", [story.pk]
            )
            stored = cursor.fetchone()[0]
        stored = json.loads(stored) if isinstance(stored, str) else stored
        self.assertEqual(stored[0]["type"], "paragraph")
