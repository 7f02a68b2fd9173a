"""An editor creates, previews and publishes an article through the Wagtail admin."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.models import ArticlePage


class EditorFlowTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.china = SectionPageFactory(parent=home, title="China News", slug="china-news")
        cls.russia = SectionPageFactory(parent=home, title="Russia News", slug="russia-news")
        cls.author = AuthorFactory(name="Mei Lin", slug="mei-lin")
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.editor)

    def form(self, **overrides):
        data = {
            "title": "Ministers meet in Beijing",
            "slug": "ministers-meet-in-beijing",
            "standfirst": "The two foreign ministers talked for three hours.",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>The talks covered trade and energy.</p>")),
                    ("subheading", "What comes next"),
                    ("quote", {"text": "We will meet again.", "attribution": "A spokesperson"}),
                ]
            ),
            "article_authors": inline_formset([{"author": self.author.pk}], min=1),
            "tags": "diplomacy, trade",
            "lead_image_caption": "",
            "lead_image_credit": "",
            "published_at": "",
            "updated_at": "",
            "featured_items": inline_formset([]),
        }
        data.update(overrides)
        form = nested_form_data(data)
        # A multiple select posts one value per choice (nested_form_data would number them).
        form["additional_sections"] = [self.russia.pk]
        return form

    def add_url(self):
        return reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", self.china.pk))

    def test_editor_creates_previews_and_publishes(self):
        # Create a draft.
        response = self.client.post(self.add_url(), self.form())
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        article = ArticlePage.objects.get(slug="ministers-meet-in-beijing")
        self.assertFalse(article.live)
        self.assertEqual(self.client.get(f"/china-news/{article.slug}/").status_code, 404)

        # Preview the draft with its authors, further section and body.
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
        response = self.client.post(preview_url, self.form())
        self.assertEqual(response.json(), {"is_valid": True, "is_available": True})
        preview = self.client.get(preview_url).content.decode()
        self.assertIn("<h1", preview)
        self.assertIn("Ministers meet in Beijing", preview)
        self.assertIn("The talks covered trade and energy.", preview)
        self.assertIn("Mei Lin", preview)
        self.assertIn(">Russia News</a>", preview)

        # Publish it.
        edit_url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        response = self.client.post(edit_url, self.form(**{"action-publish": "action-publish"}))
        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertTrue(article.live)
        self.assertIsNotNone(article.published_at, "publication date defaults to first publication")
        self.assertEqual(article.published_at, article.first_published_at)

        public = self.client.get(f"/china-news/{article.slug}/")
        self.assertEqual(public.status_code, 200)
        self.assertContains(public, "We will meet again.")
        self.assertContains(self.client.get("/russia-news/"), "Ministers meet in Beijing")

    def test_article_needs_an_author(self):
        form = self.form(**{"article_authors": inline_formset([], min=1)})
        response = self.client.post(self.add_url(), form)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ArticlePage.objects.filter(slug="ministers-meet-in-beijing").exists())

    def test_backdated_publication_date_is_kept(self):
        form = self.form(**{"published_at": "2019-03-04 10:00", "action-publish": "action-publish"})
        response = self.client.post(self.add_url(), form)
        self.assertEqual(response.status_code, 302)
        article = ArticlePage.objects.get(slug="ministers-meet-in-beijing")
        self.assertEqual(article.published_at.year, 2019)
        self.assertContains(self.client.get(article.url), "MARCH 4, 2019")

    def test_preview_on_add_renders(self):
        preview_url = reverse(
            "wagtailadmin_pages:preview_on_add", args=("newsroom", "articlepage", self.china.pk)
        )
        response = self.client.post(preview_url, self.form())
        self.assertEqual(response.json()["is_valid"], True)
        html = self.client.get(preview_url).content.decode()
        self.assertIn("Ministers meet in Beijing", html)
        self.assertIn("Mei Lin", html)


class ReservedSlugTests(WagtailPageTestCase):
    """A section or page under the home page cannot take a slug the site routes itself."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def test_on_this_day_and_search_are_refused_for_a_section(self):
        self.client.force_login(self.editor)
        add = reverse("wagtailadmin_pages:add", args=("newsroom", "sectionpage", self.home.pk))
        for slug in ("on-this-day", "search", "authors", "feeds"):
            with self.subTest(slug=slug):
                response = self.client.post(
                    add, nested_form_data({"title": "On this day", "slug": slug, "intro": ""})
                )
                self.assertEqual(response.status_code, 200, "the form comes back with an error")
                self.assertContains(response, f"/{slug}/ pages; choose another slug")
        children = Page.objects.child_of(
            self.home
        )  # not home.get_children(): its numchild is stale
        self.assertFalse(children.filter(slug__in=["on-this-day", "search"]).exists())
        response = self.client.post(
            add, nested_form_data({"title": "History", "slug": "history", "intro": ""})
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(children.filter(slug="history").exists())


class SectionChoiceTests(WagtailPageTestCase):
    """Further sections are ticked in a list that leaves out the section the story is filed under."""

    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.china = SectionPageFactory(parent=home, title="China News", slug="china-news")
        cls.russia = SectionPageFactory(parent=home, title="Russia News", slug="russia-news")
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def test_checkboxes_without_the_primary_section(self):
        self.client.force_login(self.editor)
        add = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", self.china.pk))
        html = self.client.get(add).content.decode()
        self.assertIn(f'type="checkbox" name="additional_sections" value="{self.russia.pk}"', html)
        self.assertNotIn(f'name="additional_sections" value="{self.china.pk}"', html)
