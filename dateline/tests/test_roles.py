"""Each newsroom role × each admin action: what the role's group may do, and what it may not.

One test per cell of the matrix below, so a failure names the role and the action. The groups are
the ones the roles migration made (dateline/roles/migrations), not groups built for the test; the
Dateline actions (Related News, the quality override, the almanac's review, settings) go through
the admin's own views with the test client, and the allowed ones are checked in the history too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupApprovalTask, ModelLogEntry, PageLogEntry, Site
from wagtail.test.utils import WagtailPageTestCase

from dateline.almanac.models import Event
from dateline.corrections.models import Correction
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.newsroom.models import ArticlePage
from dateline.quality.models import QualityOverride
from dateline.quality.tests.forms import article_form
from dateline.related.models import RelatedChoice

FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
ROLES = ("No role", "Reporter", "Editor", "Desk editor", "Almanac editor", "Administrator")

# What each role may do; every action not listed for a role is refused to it.
ALLOWED: dict[str, set[str]] = {
    "No role": set(),
    "Reporter": {"admin", "add_story", "upload_image"},
    "Editor": {
        "admin",
        "add_story",
        "edit_any_story",
        "publish",
        "related_choice_on_live_story",
        "share_link",
        "add_author",
        "upload_image",
        "breaking_news",
        "add_correction",
    },
    "Desk editor": {
        "admin",
        "add_story",
        "edit_any_story",
        "publish",
        "unlock_any",
        "quality_override",
        "approve_in_workflow",
        "related_choice_on_live_story",
        "share_link",
        "add_author",
        "upload_image",
        "breaking_news",
        "add_correction",
    },
    "Almanac editor": {"admin", "almanac_add", "almanac_mark_reviewed"},
    "Administrator": {
        "admin",
        "add_story",
        "edit_any_story",
        "publish",
        "unlock_any",
        "quality_override",
        "related_choice_on_live_story",
        "share_link",
        "add_author",
        "upload_image",
        "almanac_add",
        "almanac_mark_reviewed",
        "add_correction",
        "site_settings",
        "quality_settings",
        "distribution_settings",
        "manage_users",
        "breaking_news",
    },
}


class RoleMatrixTests(WagtailPageTestCase):
    """The matrix's fixture: a section with live stories, an event awaiting review, one user a role."""

    @classmethod
    def setUpTestData(cls):
        users = get_user_model().objects
        cls.other = users.create_user("other", "other@example.org", "pw")
        cls.home = home_page()
        cls.section = SectionPageFactory(parent=cls.home, title="China News", slug="china-news")
        cls.author = AuthorFactory(name="Mei Lin", slug="mei-lin")
        cls.story = ArticlePageFactory(parent=cls.section, title="Ministers meet", owner=cls.other)
        cls.second = ArticlePageFactory(parent=cls.section, title="Trade talks", owner=cls.other)
        cls.event = Event.objects.create(
            month=7, day=20, year=1969, text="Apollo 11 lands on the Moon.", status="new"
        )
        cls.users = {}
        for role in ROLES:
            user = users.create_user(role.lower().replace(" ", "-"), "", "pw")
            if role != "No role":
                user.groups.add(Group.objects.get(name=role))
            cls.users[role] = user

    # Each action returns whether `user` could do it (and, when it could, checks the record kept).

    def _page(self, url: str) -> bool:
        return self.client.get(url).status_code == 200

    def action_admin(self, user) -> bool:
        return self._page(reverse("wagtailadmin_home"))

    def action_add_story(self, user) -> bool:
        url = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", self.section.pk))
        return self._page(url)

    def action_edit_any_story(self, user) -> bool:
        return self._page(reverse("wagtailadmin_pages:edit", args=(self.story.pk,)))

    def action_publish(self, user) -> bool:
        return self.story.permissions_for_user(user).can_publish()

    def action_unlock_any(self, user) -> bool:
        ArticlePage.objects.filter(pk=self.story.pk).update(locked=True, locked_by=self.other)
        self.story.refresh_from_db()
        return self.story.permissions_for_user(user).can_unlock()

    def action_quality_override(self, user) -> bool:
        # The user's own draft, so a reporter may edit it; its body is filler, a quality error.
        draft = ArticlePageFactory(
            parent=self.section,
            title="Ministers meet in Beijing",
            slug="ministers-meet-in-beijing",
            body=paragraphs(FILLER),
            live=False,
            owner=user,
            authors=[self.author],
        )
        draft.save_revision(user=user)
        data = article_form(self.author, FILLER, **{"action-publish": "quality-override"})
        self.client.post(reverse("wagtailadmin_pages:edit", args=(draft.pk,)), data)
        draft.refresh_from_db()
        override = QualityOverride.objects.filter(page_id=draft.pk, user=user).exists()
        self.assertEqual(draft.live, override, "published only with the override recorded")
        if override:
            entry = PageLogEntry.objects.get(page=draft, action="dateline_quality.override")
            self.assertEqual(entry.user, user)
        return draft.live

    def action_related_choice_on_live_story(self, user) -> bool:
        url = reverse("related_article", args=[self.story.pk])
        self.client.post(url, {"related": self.second.pk, "action": "pin"})
        chosen = RelatedChoice.objects.filter(article_id=self.story.pk).exists()
        logged = PageLogEntry.objects.filter(
            page_id=self.story.pk, action="dateline.related.pin", user=user
        ).exists()
        self.assertEqual(chosen, logged, "every choice made is in the page history")
        return chosen

    def action_share_link(self, user) -> bool:
        from dateline.newsroom.models import ShareLink

        self.client.post(
            reverse("share_links", args=[self.story.pk]), {"action": "create", "days": 3}
        )
        return ShareLink.objects.filter(page=self.story, created_by=user).exists()

    def action_approve_in_workflow(self, user) -> bool:
        task = GroupApprovalTask.objects.get(groups__name="Moderators")
        return any(name == "approve" for name, *_ in task.get_actions(self.story, user))

    def action_add_author(self, user) -> bool:
        return self._page(reverse("wagtailsnippets_newsroom_author:add"))

    def action_add_correction(self, user) -> bool:
        url = reverse("wagtailsnippets_corrections_correction:add")
        data = {
            "article": self.story.pk,
            "kind": "correction",
            "text": "An earlier version misspelt the minister's name.",
            "made_at": "2026-01-05 10:00",
            "marks_update": "on",
        }
        self.client.post(url, data)
        added = Correction.objects.filter(article_id=self.story.pk).exists()
        logged = PageLogEntry.objects.filter(
            page_id=self.story.pk, action="dateline.correction.add", user=user
        ).exists()
        self.assertEqual(added, logged, "every correction added is in the story's history")
        return added

    def action_upload_image(self, user) -> bool:
        return self._page(reverse("wagtailimages:add"))

    def action_almanac_add(self, user) -> bool:
        return self._page(reverse("wagtailsnippets_almanac_event:add"))

    def action_almanac_mark_reviewed(self, user) -> bool:
        url = reverse("wagtail_bulk_action", args=("almanac", "event", "mark_reviewed"))
        self.client.post(f"{url}?id={self.event.pk}", {"next": "/admin/"})
        self.event.refresh_from_db()
        reviewed = self.event.status == Event.Status.REVIEWED
        logged = ModelLogEntry.objects.filter(
            object_id=str(self.event.pk), action="dateline.almanac.reviewed", user=user
        ).exists()
        self.assertEqual(reviewed, logged, "every review is in the event's history")
        return reviewed

    def _settings(self, app_label: str, model: str) -> bool:
        site = Site.objects.get(is_default_site=True)
        return self._page(reverse("wagtailsettings:edit", args=(app_label, model, site.pk)))

    def action_site_settings(self, user) -> bool:
        return self._settings("core", "sitesettings")

    def action_quality_settings(self, user) -> bool:
        return self._settings("quality", "qualitysettings")

    def action_distribution_settings(self, user) -> bool:
        return self._settings("distribution", "distributionsettings")

    def action_breaking_news(self, user) -> bool:
        from dateline.breaking.models import BreakingNews

        site = Site.objects.get(is_default_site=True)
        url = reverse("wagtailsettings:edit", args=("breaking", "breakingnews", site.pk))
        if not self._page(url):
            return False
        data = {
            "show": "on",
            "severity": "alert",
            "text": f"Banner switched on by {user.username}",
            "link_page": "",
            "link_url": "",
            "starts_at": "",
            "expires_at": "",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        setting = BreakingNews.for_site(site)
        self.assertEqual((setting.show, setting.text), (True, data["text"]))
        entry = ModelLogEntry.objects.filter(action="wagtail.edit").latest("timestamp")
        self.assertEqual((entry.user_id, entry.object_id), (user.pk, str(setting.pk)))
        return True

    def action_manage_users(self, user) -> bool:
        return self._page(reverse("wagtailusers_users:index"))


ACTIONS = sorted(
    name.removeprefix("action_") for name in vars(RoleMatrixTests) if name.startswith("action_")
)


def _cell(role: str, action: str) -> Callable[[RoleMatrixTests], None]:
    def test(self: RoleMatrixTests) -> None:
        user = self.users[role]
        self.client.force_login(user)
        allowed = action in ALLOWED[role]
        done = getattr(self, f"action_{action}")(user)
        verb = "may" if allowed else "may not"
        self.assertEqual(done, allowed, f"a user with the role {role!r} {verb} {action}")

    test.__doc__ = f"{role} × {action}: {'allowed' if action in ALLOWED[role] else 'refused'}."
    return test


for _role in ROLES:
    for _action in ACTIONS:
        _name = f"test_{_role.lower().replace(' ', '_')}__{_action}"
        setattr(RoleMatrixTests, _name, _cell(_role, _action))


def test_every_allowed_action_is_in_the_matrix():
    """Name only actions the matrix tries, so a typo cannot make a cell pass unnoticed."""
    for role, actions in ALLOWED.items():
        assert actions <= set(ACTIONS), (role, actions - set(ACTIONS))


class SettingsHistoryTests(WagtailPageTestCase):
    """A change to the site settings is refused to an editor and recorded for an administrator."""

    @classmethod
    def setUpTestData(cls):
        home_page()
        users = get_user_model().objects
        cls.administrator = users.create_user("administrator", "", "pw")
        cls.administrator.groups.add(Group.objects.get(name="Administrator"))
        cls.editor = users.create_user("editor", "", "pw")
        cls.editor.groups.add(Group.objects.get(name="Editor"))

    def test_who_changed_the_site_name_is_in_the_history(self):
        from dateline.core.models import SiteSettings

        site = Site.objects.get(is_default_site=True)
        url = reverse("wagtailsettings:edit", args=("core", "sitesettings", site.pk))
        data = {
            "site_name": "The Valley Courier",
            "tagline": "",
            "about_blurb": "",
            "about_page": "",
            "time_zone": "UTC",
            "dateline_format": SiteSettings._meta.get_field("dateline_format").default,
        }
        self.client.force_login(self.editor)
        self.client.post(url, data)
        self.assertNotEqual(SiteSettings.for_site(site).site_name, "The Valley Courier")

        self.client.force_login(self.administrator)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        settings = SiteSettings.for_site(site)
        self.assertEqual(settings.site_name, "The Valley Courier")
        entry = ModelLogEntry.objects.get(object_id=str(settings.pk), action="wagtail.edit")
        self.assertEqual(entry.user, self.administrator)
