"""The article editor's form data as the admin posts it, and a desk to post it on, for editor tests."""

from __future__ import annotations

from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.models import Author


def article_form(author: Author, body_text: str, **overrides: str) -> dict:
    """Return the editor's POST data for the story "Ministers meet in Beijing" with `body_text`.

    `overrides` replace fields or add the action buttons (`action-publish`, `action-submit`, ...).
    """
    data = {
        "title": "Ministers meet in Beijing",
        "slug": "ministers-meet-in-beijing",
        "standfirst": "The two ministers talked for three hours.",
        "body": streamfield([("paragraph", rich_text(f"<p>{body_text}</p>"))]),
        "article_authors": inline_formset([{"author": author.pk}], min=1),
        "tags": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "published_at": "",
        "updated_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


class DeskTestCase(WagtailPageTestCase):
    """A site with the section "China News" and the author Mei Lin, for the editor's flows."""

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.section = SectionPageFactory(parent=cls.home, title="China News", slug="china-news")
        cls.author = AuthorFactory(name="Mei Lin", slug="mei-lin")

    def form(self, body_text: str, **overrides: str) -> dict:
        """Return the editor's POST data for the desk's story with `body_text` (`article_form`)."""
        return article_form(self.author, body_text, **overrides)
