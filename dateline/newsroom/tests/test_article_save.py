"""`article_save` republishing a story: what stays the same row, so queued work still finds it."""

from __future__ import annotations

from django.test import TestCase
from wagtail.tasks import update_reference_index_task

from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.models import ArticleAuthor
from dateline.newsroom.services import article_save


class RepublishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = SectionPageFactory(parent=home_page(), slug="harbour")
        cls.xu = AuthorFactory(name="Xu Wei", slug="xu-wei")
        cls.yan = AuthorFactory(name="Yan Li", slug="yan-li")

    def save(self, title: str, authors):
        return article_save(
            section=self.section,
            slug="ferry-timetable",
            title=title,
            body=[{"type": "paragraph", "value": "<p>The ferry runs less often.</p>"}],
            authors=authors,
        )

    def bylines(self, article) -> list[tuple[int, int, int]]:
        return list(
            ArticleAuthor.objects.filter(page=article)
            .order_by("sort_order")
            .values_list("pk", "author_id", "sort_order")
        )

    def test_an_unchanged_byline_keeps_its_rows_so_queued_reference_updates_find_them(self):
        # Seen under load (bench/load_publish.py): each republish replaced the byline rows, so the
        # worker's reference-index task queued for the previous ones failed, one failed task row
        # per edit.
        article = self.save("Ferry timetable changes", [self.xu, self.yan])
        before = self.bylines(article)
        article = self.save("Ferry timetable changes for the winter", [self.xu, self.yan])
        self.assertEqual(self.bylines(article), before)
        for pk, _, _ in before:
            update_reference_index_task.call("newsroom", "articleauthor", str(pk))

    def test_a_changed_byline_is_stored_in_its_new_order(self):
        article = self.save("Ferry timetable changes", [self.xu, self.yan])
        kept = self.bylines(article)[1][0]
        article = self.save("Ferry timetable changes", [self.yan])
        self.assertEqual(self.bylines(article), [(kept, self.yan.pk, 0)])
        article = self.save("Ferry timetable changes", [self.xu, self.yan])
        self.assertEqual(
            [(author, order) for _, author, order in self.bylines(article)],
            [(self.xu.pk, 0), (self.yan.pk, 1)],
        )
