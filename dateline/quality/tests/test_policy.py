"""The quality policy on every publish path: moderation, bulk actions, the scheduler, the demo.

Errors found by the checks stop a publication by the editor or a workflow unless a permitted editor
overrides (logged); the scheduler holds the story back and tells its editor; imports and the demo
publish and report.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState

from dateline.core.publishing import (
    PublishPath,
    publish_path,
    publish_problems_collected,
)
from dateline.core.testing import clock_at
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.services import HELD_ACTION, article_save, scheduled_publish_run
from dateline.quality.models import QualityOverride
from dateline.quality.tests.forms import DeskTestCase

FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
CLEAN = "The foreign ministers of China and Russia talked for three hours in Beijing."
TK = "The minister said TK in Beijing."


def body(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


class ModerationTests(DeskTestCase):
    """Wagtail's default workflow: Editors submit, Moderators approve (and so publish)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users = get_user_model().objects
        cls.reporter = users.create_user("reporter", "reporter@example.org", "pw")
        cls.reporter.groups.add(Group.objects.get(name="Editors"))
        cls.moderator = users.create_user("moderator", "moderator@example.org", "pw")
        cls.moderator.groups.add(Group.objects.get(name="Moderators"))
        cls.chief = users.create_superuser("chief", "chief@example.org", "pw")
        cls.chief.groups.add(Group.objects.get(name="Moderators"))

    def submitted(self, text: str) -> ArticlePage:
        """Return a story the reporter wrote and submitted for moderation."""
        self.client.force_login(self.reporter)
        add = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", self.section.pk))
        self.client.post(add, self.form(text, **{"action-submit": "action-submit"}))
        article = ArticlePage.objects.get(slug="ministers-meet-in-beijing")
        self.assertEqual(article.workflow_states.get().status, WorkflowState.STATUS_IN_PROGRESS)
        return article

    def approve(self, article: ArticlePage, user, text: str):
        self.client.force_login(user)
        edit = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        return self.client.post(
            edit,
            self.form(
                text, **{"action-workflow-action": "true", "workflow-action-name": "approve"}
            ),
        )

    def test_approval_does_not_publish_a_story_with_errors(self):
        article = self.submitted(f"{TK} {FILLER}")
        response = self.approve(article, self.moderator, f"{TK} {FILLER}")
        article.refresh_from_db()
        self.assertFalse(article.live, "approval must not publish a story with quality errors")
        self.assertRedirects(response, reverse("wagtailadmin_pages:edit", args=(article.pk,)))
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertTrue(any("Not approved" in m and "filler-text" in m for m in messages))
        # The approval is rolled back: the story still waits for a moderator.
        self.assertEqual(article.workflow_states.get().status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertFalse(QualityOverride.objects.exists())

    def test_approval_publishes_a_clean_story(self):
        article = self.submitted(CLEAN)
        self.approve(article, self.moderator, CLEAN)
        article.refresh_from_db()
        self.assertTrue(article.live)
        self.assertEqual(article.workflow_states.get().status, WorkflowState.STATUS_APPROVED)

    def test_a_permitted_moderator_overrides_from_the_editor_and_it_is_logged(self):
        article = self.submitted(FILLER)
        self.client.force_login(self.chief)
        edit = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        self.client.post(edit, self.form(FILLER, **{"action-publish": "quality-override"}))
        article.refresh_from_db()
        self.assertTrue(article.live)
        override = QualityOverride.objects.get()
        self.assertEqual((override.user, override.page_id), (self.chief, article.pk))
        self.assertTrue(
            PageLogEntry.objects.filter(page=article, action="dateline_quality.override").exists()
        )

    def test_bulk_publish_is_refused_for_a_story_with_errors(self):
        article = article_save(
            section=self.section,
            slug="draft-with-filler",
            title="Draft with filler",
            body=body(FILLER),
            authors=[self.author],
            publish=False,
        )
        self.client.force_login(self.moderator)
        url = (
            reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
            + f"?id={article.pk}&next=/admin/"
        )
        response = self.client.post(url, {"include_descendants": "false"})
        article.refresh_from_db()
        self.assertFalse(article.live)
        self.assertEqual(response.status_code, 302)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertTrue(any("filler-text" in m for m in messages), messages)


class ScheduledPublishingTests(DeskTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = get_user_model().objects.create_user("desk", "desk@example.org", "pw")

    def schedule(self, slug: str, text: str) -> ArticlePage:
        go_live = timezone.now() + dt.timedelta(minutes=1)
        article = article_save(
            section=self.section,
            slug=slug,
            title=slug.replace("-", " ").capitalize(),
            body=body(text),
            authors=[self.author],
            go_live_at=go_live,
        )
        ArticlePage.objects.filter(pk=article.pk).update(owner=self.editor)
        self.assertFalse(article.live)
        return article

    def test_go_live_rechecks_and_holds_a_story_with_errors(self):
        held = self.schedule("held-story", FILLER)
        clean = self.schedule("clean-story", CLEAN)
        later = timezone.now() + dt.timedelta(minutes=2)
        with clock_at(later):
            run = scheduled_publish_run()
        held.refresh_from_db()
        clean.refresh_from_db()
        self.assertTrue(clean.live, "a clean story goes live on time")
        self.assertFalse(held.live, "a story with errors is held back")
        self.assertEqual(run.published, [clean.pk])
        self.assertEqual([page_id for page_id, _ in run.held], [held.pk])
        entry = PageLogEntry.objects.get(page=held, action=HELD_ACTION)
        self.assertEqual([p["code"] for p in entry.data["problems"]], ["filler-text"])
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("desk@example.org", mail.outbox[0].to)
        self.assertIn("filler-text", mail.outbox[0].body)
        # Held once: the next pass does not try (or write to the editor) again.
        with clock_at(later):
            self.assertEqual(scheduled_publish_run().held, [])
        self.assertEqual(len(mail.outbox), 1)

    def test_wagtails_command_name_runs_the_guarded_scheduler(self):
        from django.core.management import call_command

        held = self.schedule("held-by-command", TK)
        later = timezone.now() + dt.timedelta(minutes=2)
        with clock_at(later):
            call_command("publish_scheduled", verbosity=0)
        held.refresh_from_db()
        self.assertFalse(held.live)
        self.assertTrue(PageLogEntry.objects.filter(page=held, action=HELD_ACTION).exists())


class ReportingPathsTests(DeskTestCase):
    def test_import_and_demo_paths_publish_and_report(self):
        for path in (PublishPath.IMPORT, PublishPath.DEMO):
            with self.subTest(path=path):
                slug = f"filler-{path}"
                with publish_path(path), publish_problems_collected() as collected:
                    article = article_save(
                        section=self.section,
                        slug=slug,
                        title="Filler",
                        body=body(FILLER),
                        authors=[self.author],
                    )
                self.assertTrue(article.live)
                codes = [p.code for page, problems in collected for p in problems]
                self.assertIn("filler-text", codes)

    def test_other_code_publishes_and_logs(self):
        with self.assertLogs("dateline.core.publishing", level="WARNING") as logs:
            article = article_save(
                section=self.section,
                slug="filler-by-a-script",
                title="Filler by a script",
                body=body(FILLER),
                authors=[self.author],
            )
        self.assertTrue(article.live)
        self.assertIn("filler-text", json.dumps(logs.output))
