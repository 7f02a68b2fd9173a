"""Writes to the newsroom: the one path the editor's tools, importers and the demo all publish through.

Every function is idempotent on its natural key (a slug), so re-running an import or the demo loader
updates what exists instead of duplicating it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Page, Revision, Site

from dateline.core.publishing import PublishPath, publish_path
from dateline.newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    HomeTopStory,
    SectionPage,
)

StreamData = list[dict]


def revision_publish(
    *, revision: Revision, user: object | None = None, path: PublishPath | None = None
) -> None:
    """Publish `revision` through Wagtail's action, by `path` (the caller's path when None).

    Every publication Dateline makes ends here or in Wagtail's own admin views: the publish guards
    (`core.publishing`) run first and Wagtail's signals follow (Related News, quality, the cache).
    """
    if path is None:
        revision.publish(user=user)
        return
    with publish_path(path):
        revision.publish(user=user)


def page_publish(
    *, page: Page, user: object | None = None, path: PublishPath | None = None
) -> Page:
    """Save a revision of `page` as it is and publish it (see `revision_publish`); return it fresh."""
    revision_publish(revision=page.save_revision(user=user), user=user, path=path)
    page.refresh_from_db()
    return page


def page_unpublish(*, page: Page, user: object | None = None) -> Page:
    """Take `page` off the site through Wagtail's action, so every unpublish signal fires.

    A page that is not live is only made sure of: nothing is sent (there is nothing to purge).
    """
    if page.live:
        page.unpublish(user=user)
    page.refresh_from_db()
    return page


def page_move(*, page: Page, parent: Page, user: object | None = None) -> Page:
    """Move `page` (with its history and children) to be the last child of `parent`.

    Through Wagtail's move action, so URLs, redirects' targets and the cache follow the page.
    A page already under `parent` is left where it is.
    """
    if page.get_parent().pk != parent.pk:
        page.move(parent, pos="last-child", user=user)
        page.refresh_from_db()
    return page


@transaction.atomic
def site_ensure(*, hostname: str = "localhost", port: int = 80, title: str = "Home") -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page; return it.

    Safe to re-run: an existing HomePage root is returned unchanged.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = HomePage.objects.child_of(root).first()
    if home is None:
        # Wagtail's first migration leaves a "Welcome" page at slug "home": make room for ours.
        for child in root.get_children().exclude(content_type__model="homepage"):
            if child.slug == "home":
                child.delete()
        home = HomePage(title=title, slug="home", live=True)
        root.add_child(instance=home)
        page_publish(page=home)
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    return home


def section_ensure(*, home: HomePage, slug: str, title: str, intro: str = "") -> SectionPage:
    """Return the section `slug` under `home`, creating and publishing it (shown in menus) if missing."""
    section = SectionPage.objects.child_of(home).filter(slug=slug).first()
    if section is not None:
        if (section.title, section.intro) != (title, intro):
            section.title, section.intro = title, intro
            page_publish(page=section)
        return section
    section = SectionPage(title=title, slug=slug, intro=intro, show_in_menus=True, live=False)
    home.add_child(instance=section)
    return page_publish(page=section)


def author_ensure(*, slug: str, name: str, bio: str = "") -> Author:
    """Return the author `slug`, creating it or bringing its name and bio up to date."""
    author, created = Author.objects.get_or_create(slug=slug, defaults={"name": name, "bio": bio})
    if not created and (author.name, author.bio) != (name, bio):
        author.name, author.bio = name, bio
        author.save()
    return author


@transaction.atomic
def article_save(
    *,
    section: SectionPage,
    slug: str,
    title: str,
    body: StreamData,
    authors: Sequence[Author],
    standfirst: str = "",
    published_at: dt.datetime | None = None,
    updated_at: dt.datetime | None = None,
    tags: Sequence[str] = (),
    additional_sections: Sequence[SectionPage] = (),
    publish: bool = True,
    go_live_at: dt.datetime | None = None,
    lead_image: AbstractImage | None = None,
    lead_image_caption: str | None = None,
) -> ArticlePage:
    """Create or update the article `slug` filed under `section`, save a revision and publish it.

    `body` is StreamField data (`[{"type": "paragraph", "value": "<p>...</p>"}, ...]`). A backdated
    `published_at` is kept as the story's first publication and last update, so an imported archive
    does not look as if it was all published today. With `publish=False` the article is saved as a
    draft; with a future `go_live_at` publishing schedules it (Wagtail publishes it at that time).
    `lead_image` and `lead_image_caption` are left as they are when None.
    """
    if not authors:
        raise ValueError(f"Article {slug!r} needs at least one author.")
    article = ArticlePage.objects.child_of(section).filter(slug=slug).first()
    created = article is None
    if created:
        article = ArticlePage(slug=slug, live=False)
    article.title = title
    article.standfirst = standfirst
    article.body = json.dumps(body)
    article.published_at = published_at
    article.updated_at = updated_at
    if published_at is not None and (article.first_published_at is None or not article.live):
        article.first_published_at = published_at
    article.article_authors = [
        ArticleAuthor(author=author, sort_order=index) for index, author in enumerate(authors)
    ]
    article.additional_sections = [s for s in additional_sections if s.pk != section.pk]
    article.tags.set(list(tags))
    if lead_image is not None:
        article.lead_image = lead_image
    if lead_image_caption is not None:
        article.lead_image_caption = lead_image_caption
    scheduled = publish and go_live_at is not None and go_live_at > timezone.now()
    if go_live_at is not None:
        article.go_live_at = go_live_at if scheduled else None
    if created:
        section.add_child(instance=article)
    elif publish or not article.live:
        article.save()
    # else: a draft change to a live story lives only in its revision until published.
    revision = article.save_revision()
    if publish:
        revision_publish(revision=revision)
        if not scheduled and published_at is not None and published_at < timezone.now():
            ArticlePage.objects.filter(pk=article.pk).update(
                last_published_at=updated_at or published_at
            )
        article.refresh_from_db()
    return article


def tag_ensure(*, name: str) -> Tag:
    """Return the tag called `name` (case-insensitively), creating it if missing.

    Lets an importer account for every tag of an archive, including tags no article uses yet.
    """
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        tag = Tag.objects.create(name=name)
    return tag


def image_ensure(*, path: Path, title: str, description: str = "") -> AbstractImage:
    """Return the image whose file has the same content as `path`, adding it to the library if new.

    Images are matched on their file hash, so importing the same archive twice does not duplicate
    its pictures.
    """
    image_model = get_image_model()
    data = path.read_bytes()
    digest = hashlib.sha1(data).hexdigest()
    image = image_model.objects.filter(file_hash=digest).first()
    if image is not None:
        return image
    image = image_model(
        title=title[:255] or path.stem,
        description=description[:255],
        file=ImageFile(io.BytesIO(data), name=path.name),
    )
    image.file_hash = digest
    image.save()
    return image


def home_top_stories_set(*, home: HomePage, articles: Sequence[ArticlePage]) -> HomePage:
    """Make `articles` the front page's top stories, in order, and publish the home page."""
    home.featured_items = [
        HomeTopStory(article=article, sort_order=index) for index, article in enumerate(articles)
    ]
    return page_publish(page=home)
