"""The editors' Related News view: reasons for each suggestion, pins and exclusions, and the rebuild."""

from __future__ import annotations

import io
from html.parser import HTMLParser

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.urls import reverse

from dateline.related.config import related_mode
from dateline.related.explain import days_in_words, reasons_in_words
from dateline.related.models import RelatedChoice, RelatedLink
from dateline.related.tests.test_related import EngineFixture, titles


class Rows(HTMLParser):
    """Collect the text of each suggestion row, keyed by its data-related-id."""

    def __init__(self):
        super().__init__()
        self.rows: dict[int, str] = {}
        self.current: int | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and dict(attrs).get("data-related-id"):
            self.current = int(dict(attrs)["data-related-id"])
            self.rows[self.current] = ""

    def handle_endtag(self, tag):
        if tag == "tr":
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.rows[self.current] += data


class AdminViewTests(EngineFixture):
    def setUp(self):
        self.login()
        self.url = reverse("related_article", args=[self.story.pk])

    def test_shows_each_suggestion_with_its_reasons(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        parser = Rows()
        parser.feed(response.content.decode())
        self.assertEqual(set(parser.rows), {self.energy.pk, self.trade.pk})
        row = parser.rows[self.trade.pk]
        self.assertIn("Shared names:", row)
        self.assertIn("china-russia", row)
        self.assertIn("China", row)  # the section title, not its id

    def test_pin_and_exclude_from_the_view(self):
        self.client.post(self.url, {"related": self.weather.pk, "action": "pin"})
        self.client.post(self.url, {"related": self.energy.pk, "action": "exclude"})
        self.assertEqual(titles(self.story), [self.weather.title, self.trade.title])
        self.assertEqual(RelatedChoice.objects.filter(article_id=self.story.pk).count(), 2)
        self.client.post(self.url, {"related": self.energy.pk, "action": "clear"})
        self.assertIn(self.energy.title, titles(self.story))

    def test_header_button_on_the_edit_view(self):
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.story.pk]))
        self.assertContains(response, f'href="{self.url}"')

    def test_bad_input_is_not_a_server_error(self):
        self.assertEqual(self.client.post(self.url, {"related": "x"}).status_code, 200)
        missing = reverse("related_article", args=[10**9])
        self.assertEqual(self.client.get(missing).status_code, 404)


class RebuildCommandTests(EngineFixture):
    def test_rebuild_reports_mode_and_summary_and_is_repeatable(self):
        before = sorted(RelatedLink.objects.values_list("article_id", "related_id", "rank"))
        out = io.StringIO()
        call_command("related", "rebuild", stdout=out, stderr=io.StringIO())
        first = sorted(RelatedLink.objects.values_list("article_id", "related_id", "rank"))
        call_command("related", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
        second = sorted(RelatedLink.objects.values_list("article_id", "related_id", "rank"))
        self.assertIn(f"({related_mode()} mode", out.getvalue())
        self.assertIn("4 articles", out.getvalue())
        self.assertEqual(first, second)
        self.assertEqual({row[:2] for row in before}, {row[:2] for row in first})
        self.assertIn("Search: ", out.getvalue())

    def test_rebuild_can_search_exactly_and_report_recall(self):
        out = io.StringIO()
        call_command(
            "related", "rebuild", "--exact", "--check-recall", "4", stdout=out, stderr=io.StringIO()
        )
        self.assertIn("Search: exact", out.getvalue())
        with self.assertRaises(CommandError):
            call_command("related", "rebuild", "--check-recall", "-1", stdout=io.StringIO())


class EditorPanelTests(EngineFixture):
    def test_the_edit_page_shows_the_list_and_a_visible_button_to_manage_it(self):
        self.login()
        html = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.story.pk])).content
        panel = html.decode()[html.decode().index("data-related-panel") :]
        self.assertIn(self.trade.title, panel[:3000])
        manage = reverse("related_article", args=[self.story.pk])
        self.assertIn(f'class="button button-small button-secondary" href="{manage}"', panel)

    def test_reasons_read_in_words_with_names_as_written(self):
        self.login()
        html = self.client.get(reverse("related_article", args=[self.story.pk])).content.decode()
        parser = Rows()
        parser.feed(html)
        row = parser.rows[self.trade.pk]
        self.assertNotIn("similarity 0.", row, "scores are not reasons")
        self.assertRegex(row, r"same day|same week|days apart|months apart|years? apart")


class ReasonsInWordsTests(SimpleTestCase):
    def test_names_as_the_stories_write_them_and_time_as_people_say_it(self):
        texts = ["Wang Yi met Sergei Lavrov's deputy in Beijing."]
        lines = reasons_in_words(
            {
                "names": ["wang yi", "sergei lavrov", "unknown person"],
                "tags": ["diplomacy", "ukraine"],
                "days_apart": 3,
                "text_similarity": 0.3,
                "semantic_similarity": 0.72,
            },
            texts,
        )
        self.assertEqual(
            lines,
            [
                "Shared names: Wang Yi, Sergei Lavrov, Unknown Person",
                "Shared tags: diplomacy, ukraine",
                "Same week; some wording in common, close in meaning",
            ],
        )
        self.assertEqual(days_in_words(40), "a month apart")
        self.assertEqual(days_in_words(0), "same day")
        self.assertEqual(days_in_words(800), "2 years apart")


class ChoicePermissionTests(EngineFixture):
    """Pins and exclusions change a live page at once: only someone who may publish it makes them."""

    def setUp(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        self.url = reverse("related_article", args=[self.story.pk])
        # Wagtail's own "Editors" group: may add and edit pages, not publish them.
        reporter = get_user_model().objects.create_user("reporter", "r@example.org", "pw")
        reporter.groups.add(Group.objects.get(name="Editors"))
        reporter.user_permissions.add(Permission.objects.get(codename="access_admin"))
        self.reporter = reporter

    def test_a_reporter_sees_the_list_but_cannot_change_it(self):
        self.client.force_login(self.reporter)
        before = titles(self.story)
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, ">Pin</button>")
        self.assertNotContains(page, ">Exclude</button>")
        for action, story in (("pin", self.weather), ("exclude", self.energy)):
            with self.subTest(action=action):
                response = self.client.post(self.url, {"related": story.pk, "action": action})
                # Wagtail answers an admin PermissionDenied with the dashboard and its message.
                self.assertRedirects(response, reverse("wagtailadmin_home"))
        self.assertEqual(titles(self.story), before)
        self.assertFalse(RelatedChoice.objects.filter(article_id=self.story.pk).exists())

    def test_each_change_is_in_the_page_history(self):
        from wagtail.models import PageLogEntry

        name = self.login().get_username()
        self.client.post(self.url, {"related": self.weather.pk, "action": "pin"})
        self.client.post(self.url, {"related": self.energy.pk, "action": "exclude"})
        self.client.post(self.url, {"related": self.weather.pk, "action": "clear"})
        entries = PageLogEntry.objects.filter(
            page_id=self.story.pk, action__startswith="dateline.related"
        ).order_by("timestamp", "pk")
        self.assertEqual(
            [(e.action, e.data["related_id"], e.user.username) for e in entries],
            [
                ("dateline.related.pin", self.weather.pk, name),
                ("dateline.related.exclude", self.energy.pk, name),
                ("dateline.related.clear", self.weather.pk, name),
            ],
        )
        history = self.client.get(reverse("wagtailadmin_pages:history", args=[self.story.pk]))
        self.assertContains(history, "Related News: pinned")

    def test_publishing_rights_alone_do_not_let_anyone_change_the_list(self):
        """The named permission is needed too, even by someone who may publish the story."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from wagtail.models import GroupPagePermission

        publishers = Group.objects.create(name="Publishers without Related News")
        publishers.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=publishers,
                page=self.story.get_parent(),
                permission=Permission.objects.get(codename=codename),
            )
        user = get_user_model().objects.create_user("publisher", "p@example.org", "pw")
        user.groups.add(publishers)
        self.client.force_login(user)
        response = self.client.post(self.url, {"related": self.weather.pk, "action": "pin"})
        self.assertRedirects(response, reverse("wagtailadmin_home"))
        self.assertFalse(RelatedChoice.objects.filter(article_id=self.story.pk).exists())

        publishers.permissions.add(Permission.objects.get(codename="change_related_choices"))
        user = get_user_model().objects.get(pk=user.pk)  # a fresh permission cache
        self.client.force_login(user)
        self.client.post(self.url, {"related": self.weather.pk, "action": "pin"})
        self.assertTrue(RelatedChoice.objects.filter(article_id=self.story.pk).exists())
