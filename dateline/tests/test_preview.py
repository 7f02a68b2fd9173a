"""The editor's preview shows the page readers will see: the date line and Related News included."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase

from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.services import article_save
from dateline.quality.tests.forms import article_form

HARBOUR = (
    "The Harbour Ferry Company will run fewer crossings from the old pier at Millbrook harbour "
    "this winter, and ferry passengers should check the new timetable."
)


class PreviewTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionPageFactory(parent=home_page(), title="Harbour", slug="harbour")
        cls.author = AuthorFactory(name="Mei Lin", slug="mei-lin")
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
        # A published story the draft is about, and an unrelated one.
        article_save(
            section=section,
            slug="ferry-timetable",
            title="Harbour ferry timetable changes for the winter",
            body=[{"type": "paragraph", "value": f"<p>{HARBOUR}</p>"}],
            authors=[cls.author],
            tags=["ferries"],
        )
        article_save(
            section=section,
            slug="opera",
            title="Singers rehearse a Rossini comedy",
            body=[{"type": "paragraph", "value": "<p>Soprano Ilse Varga rehearses arias.</p>"}],
            authors=[cls.author],
        )
        cls.draft = article_save(
            section=section,
            slug="ministers-meet-in-beijing",
            title="Ferry crews at Millbrook harbour strike over the winter timetable",
            body=[{"type": "paragraph", "value": "<p>Draft.</p>"}],
            authors=[cls.author],
            publish=False,
        )

    def test_a_drafts_preview_has_its_date_line_and_related_news(self):
        self.client.force_login(self.editor)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(self.draft.pk,))
        form = article_form(
            self.author,
            f"Crews of the Harbour Ferry Company stopped work. {HARBOUR}",
            title="Ferry crews at Millbrook harbour strike over the winter timetable",
            tags="ferries",
        )
        self.assertEqual(self.client.post(url, form).status_code, 200)
        soup = BeautifulSoup(self.client.get(url).content, "html.parser")
        self.assertTrue(
            soup.select_one(".dateline time").get_text(strip=True), "an empty date line"
        )
        block = soup.select_one(".related-news")
        self.assertIsNotNone(block, "no Related News in the preview")
        titles = [link.get_text(strip=True) for link in block.select("a")]
        self.assertIn("Harbour ferry timetable changes for the winter", titles)
        self.assertNotIn(self.draft.title, titles)
