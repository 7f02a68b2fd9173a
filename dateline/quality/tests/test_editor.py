"""The editor: the Quality checks panel, publishing blocked by errors, and the logged override."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, PageLogEntry

from dateline.newsroom.models import ArticlePage
from dateline.quality.models import QualityOverride
from dateline.quality.tests.forms import DeskTestCase

FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
CLEAN = "The foreign ministers of China and Russia talked for three hours in Beijing."


class EditorQualityTests(DeskTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        home = cls.home
        users = get_user_model().objects
        cls.chief = users.create_superuser("chief", "chief@example.org", "pw")
        # An ordinary editor: may edit and publish pages, may not override quality errors.
        editors = Group.objects.create(name="Quality test editors")
        editors.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=editors, page=home, permission=Permission.objects.get(codename=codename)
            )
        cls.editor = users.create_user("reporter", "r@example.org", "pw")
        cls.editor.groups.add(editors)

    def add_url(self):
        return reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", self.section.pk))

    def article(self) -> ArticlePage:
        return ArticlePage.objects.get(slug="ministers-meet-in-beijing")

    def test_publishing_is_blocked_by_an_error_then_allowed_after_the_fix(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            self.add_url(), self.form(FILLER, **{"action-publish": "action-publish"})
        )
        article = self.article()
        self.assertRedirects(response, reverse("wagtailadmin_pages:edit", args=(article.pk,)))
        self.assertFalse(article.live, "an error must stop publication")
        self.assertEqual(article.latest_revision.content["title"], "Ministers meet in Beijing")
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertTrue(any("Not published" in m and "filler-text" in m for m in messages))

        # The editor's panel shows the finding on the saved draft.
        edit_url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        html = self.client.get(edit_url).content.decode()
        self.assertIn('data-code="filler-text"', html)
        self.assertNotIn("Publish despite quality errors", html, "no override without permission")

        # The same editor cannot force it through.
        response = self.client.post(
            edit_url, self.form(FILLER, **{"action-publish": "quality-override"})
        )
        self.assertFalse(self.article().live)
        self.assertFalse(QualityOverride.objects.exists())

        # After the fix, publishing goes ahead.
        response = self.client.post(
            edit_url, self.form(CLEAN, **{"action-publish": "action-publish"})
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.article().live)
        self.assertIn("data-quality-clean", self.client.get(edit_url).content.decode())

    def test_override_by_a_permitted_editor_is_logged(self):
        self.client.force_login(self.chief)
        self.client.post(self.add_url(), self.form(FILLER))
        article = self.article()
        edit_url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        self.assertIn("Publish despite quality errors", self.client.get(edit_url).content.decode())

        response = self.client.post(
            edit_url, self.form(FILLER, **{"action-publish": "quality-override"})
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.article().live)
        override = QualityOverride.objects.get()
        self.assertEqual(override.user, self.chief)
        self.assertEqual(override.page_id, article.pk)
        self.assertEqual([f["code"] for f in override.findings], ["filler-text"])
        entry = PageLogEntry.objects.get(page=article, action="dateline_quality.override")
        self.assertEqual(entry.user, self.chief)
        self.assertEqual(entry.data["codes"], ["filler-text"])
        history = self.client.get(reverse("wagtailadmin_pages:history", args=(article.pk,)))
        self.assertContains(history, "Published despite quality errors")

    def test_warnings_do_not_block(self):
        self.client.force_login(self.editor)
        long_title = "Ministers meet in Beijing " * 4
        self.client.post(
            self.add_url(),
            self.form(CLEAN, title=long_title.strip(), **{"action-publish": "action-publish"}),
        )
        self.assertTrue(self.article().live)

    def test_the_override_is_offered_only_when_there_are_errors_and_after_the_plain_actions(self):
        self.client.force_login(self.chief)
        create = self.client.get(self.add_url()).content.decode()
        self.assertNotIn("Publish despite quality errors", create, "nothing is checked yet")
        self.client.post(self.add_url(), self.form(CLEAN))
        edit_url = reverse("wagtailadmin_pages:edit", args=(self.article().pk,))
        clean = self.client.get(edit_url).content.decode()
        self.assertNotIn("Publish despite quality errors", clean, "no errors: no override")
        self.client.post(edit_url, self.form(FILLER))
        html = self.client.get(edit_url).content.decode()
        self.assertLess(html.index(">Publish<"), html.index("Publish despite quality errors"))

    def test_the_panel_names_checks_in_words_and_cuts_excerpts_between_words(self):
        self.client.force_login(self.editor)
        long_filler = (
            f"{FILLER} " + "The council met for a long session about the river bridge. " * 6
        )
        self.client.post(self.add_url(), self.form(long_filler))
        html = self.client.get(
            reverse("wagtailadmin_pages:edit", args=(self.article().pk,))
        ).content.decode()
        self.assertIn("Error: Filler text", html)
        excerpt = html[html.index("<q>") + 3 : html.index("</q>")]
        self.assertTrue(excerpt.endswith("…"), excerpt)
        self.assertIn(excerpt.strip("…").split()[-1], long_filler.split(), "no word cut in half")
