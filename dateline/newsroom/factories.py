"""Factories for newsroom tests: a site with a home page, sections, authors and articles."""

from __future__ import annotations

import datetime as dt
import json

import factory
import factory.random
import wagtail_factories
from factory.django import DjangoModelFactory

from dateline.newsroom.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage
from dateline.newsroom.services import site_ensure

# A fixed seed keeps generated values the same from run to run.
factory.random.reseed_random("dateline")


def home_page() -> HomePage:
    """Return the default site's home page, creating the site the first time."""
    return site_ensure()


class AuthorFactory(DjangoModelFactory):
    """An author with a unique name and slug."""

    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")
    bio = "Covers the town hall."


class ImageFactory(wagtail_factories.ImageFactory):
    """A small picture in the image library, with alt text (its description) and a focal point."""

    title = factory.Sequence(lambda n: f"Picture {n}")
    description = factory.Sequence(lambda n: f"A river valley at dawn, picture {n}")
    file = factory.django.ImageField(width=480, height=320, color="teal")
    focal_point_x = 240
    focal_point_y = 160
    focal_point_width = 120
    focal_point_height = 80


class SectionPageFactory(wagtail_factories.PageFactory):
    """A live section shown in menus; pass `parent=` (usually the home page)."""

    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    show_in_menus = True


def paragraphs(*texts: str) -> str:
    """Return StreamField JSON for a body made of the given plain-text paragraphs."""
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts])


class ArticlePageFactory(wagtail_factories.PageFactory):
    """A live article; pass `parent=` (its primary section), and optionally `authors=`, `tags=`,
    `additional_sections=`."""

    class Meta:
        model = ArticlePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Story number {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    standfirst = "A short summary of the story."
    body = factory.LazyFunction(lambda: paragraphs("First paragraph.", "Second paragraph."))
    published_at = factory.Sequence(
        lambda n: dt.datetime(2022, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=n)
    )

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if not create:
            return
        for index, author in enumerate(extracted or [AuthorFactory()]):
            ArticleAuthor.objects.create(page=obj, author=author, sort_order=index)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.add(*extracted)
            obj.save()

    @factory.post_generation
    def additional_sections(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.additional_sections.set(extracted)
            obj.save()
