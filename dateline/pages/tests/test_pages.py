"""Standard pages (About Us, contact, policies): their services, their page and their editor."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from dateline.pages.models import StandardPage
from dateline.pages.services import standard_page_ensure, standard_page_save

ABOUT = [{"type": "paragraph", "value": "<p>We report on the valley &amp; its towns.</p>"}]


class StandardPageServiceTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = Site.objects.get(is_default_site=True).root_page

    def test_ensure_creates_and_publishes_once_and_keeps_an_editors_changes(self):
        page = standard_page_ensure(parent=self.root, slug="about", title="About Us", body=ABOUT)
        self.assertTrue(page.live)
        self.assertEqual(page.revisions.count(), 1)
        StandardPage.objects.filter(pk=page.pk).update(title="About the newsroom")
        again = standard_page_ensure(parent=self.root, slug="about", title="About Us", body=ABOUT)
        self.assertEqual(again.pk, page.pk)
        self.assertEqual(again.title, "About the newsroom", "an existing page is left as it is")

    def test_save_updates_publishes_or_keeps_a_draft(self):
        page = standard_page_save(parent=self.root, slug="ethics", title="Ethics", body=ABOUT)
        self.assertTrue(page.live)
        draft = standard_page_save(
            parent=self.root, slug="ethics", title="Ethics policy", body=ABOUT, publish=False
        )
        self.assertEqual(draft.pk, page.pk)
        live = StandardPage.objects.get(pk=page.pk)
        self.assertEqual(live.title, "Ethics", "readers keep the live version of a draft change")
        self.assertEqual(live.get_latest_revision().content["title"], "Ethics policy")
        published = standard_page_save(
            parent=self.root, slug="ethics", title="Ethics policy", body=ABOUT
        )
        self.assertEqual(published.title, "Ethics policy")


class StandardPageRenderTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Site.objects.get(is_default_site=True).root_page
        cls.page = standard_page_ensure(
            parent=root, slug="about", title="About Us", intro="Who we are.", body=ABOUT
        )

    def test_one_headline_the_intro_and_the_body(self):
        response = self.client.get(self.page.url)
        self.assertEqual(response.status_code, 200)
        soup = BeautifulSoup(response.content, "html.parser")
        self.assertEqual([h1.get_text() for h1 in soup.find_all("h1")], ["About Us"])
        self.assertEqual(soup.select_one(".article__standfirst").get_text(), "Who we are.")
        self.assertIn("the valley & its towns", soup.select_one(".article__body").get_text())

    def test_a_draft_is_not_shown_to_readers(self):
        draft = standard_page_save(
            parent=self.page, slug="draft", title="Draft", body=ABOUT, publish=False
        )
        self.assertEqual(self.client.get(f"{self.page.url}draft/").status_code, 404)
        self.assertFalse(draft.live)


class StandardPageEditorTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = Site.objects.get(is_default_site=True).root_page
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def post(self, parent: Page, slug: str):
        add = reverse("wagtailadmin_pages:add", args=("pages", "standardpage", parent.pk))
        data = {
            "title": "Contact",
            "slug": slug,
            "intro": "",
            "body": streamfield([("paragraph", rich_text("<p>Write to us.</p>"))]),
        }
        return self.client.post(add, nested_form_data(data))

    def test_a_slug_the_site_routes_is_refused_only_under_the_site_root(self):
        self.client.force_login(self.editor)
        response = self.post(self.root, "search")
        self.assertContains(response, "/search/ pages; choose another slug")
        self.assertFalse(Page.objects.child_of(self.root).filter(slug="search").exists())
        self.assertEqual(self.post(self.root, "contact").status_code, 302)
        contact = StandardPage.objects.get(slug="contact")
        # Deeper down, /contact/search/ is not routed elsewhere: the slug is free there.
        self.assertEqual(self.post(contact, "search").status_code, 302)
        self.assertTrue(Page.objects.child_of(contact).filter(slug="search").exists())
