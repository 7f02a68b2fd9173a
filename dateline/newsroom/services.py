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
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Page, Revision, Site

from dateline.core.pages import NewPage, page_write, pages_create_bulk
from dateline.core.plaintext import data_carried, text_carried
from dateline.core.publishing import (
    PublishBlocked,
    PublishPath,
    PublishProblem,
    publish_batch,
    publish_check,
    publish_path,
)
from dateline.newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
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


def page_unpublish(*, page: Page, user: object | None = None, log_action: bool = True) -> Page:
    """Take `page` off the site through Wagtail's action, so every unpublish signal fires.

    A page that is not live is only made sure of: nothing is sent (there is nothing to purge).
    `log_action` False leaves no entry in the page's history (a page that was never published).
    """
    if page.live:
        page.unpublish(user=user, log_action=log_action)
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


def section_ensure(
    *,
    home: HomePage,
    slug: str,
    title: str,
    intro: str = "",
    parent: Page | None = None,
    show_in_menus: bool | None = None,
) -> SectionPage:
    """Return the section `slug` under `parent` (default `home`), creating and publishing it if missing.

    `show_in_menus` says whether the site's menu lists it: None keeps an existing section's choice
    (the editors') and shows a new one, as the demo's sections are.
    """
    parent = parent or home
    title, intro = text_carried(title), text_carried(intro)
    section = SectionPage.objects.child_of(parent).filter(slug=slug).first()
    if section is not None:
        menu = section.show_in_menus if show_in_menus is None else show_in_menus
        if (section.title, section.intro, section.show_in_menus) != (title, intro, menu):
            section.title, section.intro, section.show_in_menus = title, intro, menu
            page_publish(page=section)
        return section
    menu = True if show_in_menus is None else show_in_menus
    section = SectionPage(title=title, slug=slug, intro=intro, show_in_menus=menu, live=False)
    parent.add_child(instance=section)
    return page_publish(page=section)


def author_ensure(*, slug: str, name: str, bio: str = "", rename: bool = True) -> Author:
    """Return the author `slug`, creating it or bringing its name and bio up to date.

    With `rename=False` an existing author is returned as it is (an importer that only knows a
    login must not rename the person it belongs to).
    """
    name, bio = text_carried(name), text_carried(bio)
    author, created = Author.objects.get_or_create(slug=slug, defaults={"name": name, "bio": bio})
    if not created and rename and (author.name, author.bio) != (name, bio):
        author.name, author.bio = name, bio
        author.save()
    return author


@dataclass
class ArticleFields:
    """Everything a story is saved with: the arguments of `article_save` (see there).

    One value per story lets a bulk writer hand many stories to `articles_create_bulk`.
    """

    section: SectionPage
    slug: str
    title: str
    body: StreamData
    authors: Sequence[Author]
    standfirst: str = ""
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    tags: Sequence[str | Tag] = ()
    additional_sections: Sequence[SectionPage] = ()
    publish: bool = True
    go_live_at: dt.datetime | None = None
    lead_image: AbstractImage | None = None
    lead_image_caption: str | None = None
    lead_image_credit: str | None = None
    embargo_until: dt.datetime | None = None

    @property
    def scheduled(self) -> bool:
        """Return whether publishing schedules the story for a future time (go-live or embargo)."""
        now = timezone.now()
        return self.publish and any(
            moment is not None and moment > now for moment in (self.go_live_at, self.embargo_until)
        )


def _article_fill(article: ArticlePage, fields: ArticleFields) -> None:
    """Set `fields` on `article` (saved or not), children included, as `article_save` stores them."""
    if not fields.authors:
        raise ValueError(f"Article {fields.slug!r} needs at least one author.")
    limit = ArticlePage._meta.get_field("title").max_length or 255
    if len(text_carried(fields.title)) > limit:
        # Said plainly here rather than as PostgreSQL's DataError (SQLite would store it whole).
        raise ValueError(
            f"The headline of {fields.slug!r} is {len(fields.title)} characters; {limit} at most."
        )
    # Control characters no output can carry are dropped on the way in (`core.plaintext`).
    article.title = text_carried(fields.title)
    article.standfirst = text_carried(fields.standfirst)
    article.body = json.dumps(data_carried(fields.body))
    article.published_at = fields.published_at
    article.updated_at = fields.updated_at
    article.embargo_until = fields.embargo_until
    if fields.published_at is not None and (article.first_published_at is None or not article.live):
        article.first_published_at = fields.published_at
    # The byline rows of authors still credited are kept (re-ordered): replacing them on every
    # republish would leave the worker's queued reference-index task for each old row failing.
    current = {link.author_id: link for link in article.article_authors.all()} if article.pk else {}
    links = []
    for index, author in enumerate(fields.authors):
        link = current.pop(author.pk, None) or ArticleAuthor(author=author)
        link.sort_order = index
        links.append(link)
    article.article_authors = links
    article.additional_sections = [
        s for s in fields.additional_sections if s.pk != fields.section.pk
    ]
    article.tags.set(list(fields.tags))
    if fields.lead_image is not None:
        article.lead_image = fields.lead_image
    if fields.lead_image_caption is not None:
        article.lead_image_caption = text_carried(fields.lead_image_caption)
    if fields.lead_image_credit is not None:
        article.lead_image_credit = text_carried(fields.lead_image_credit)
    if fields.go_live_at is not None:
        article.go_live_at = fields.go_live_at if fields.scheduled else None


def _backdated_last_publication(fields: ArticleFields) -> dt.datetime | None:
    """Return the last publication time a backdated story keeps (its update, else its date)."""
    if fields.scheduled or fields.published_at is None or fields.published_at >= timezone.now():
        return None
    return fields.updated_at or fields.published_at


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
    tags: Sequence[str | Tag] = (),
    additional_sections: Sequence[SectionPage] = (),
    publish: bool = True,
    go_live_at: dt.datetime | None = None,
    lead_image: AbstractImage | None = None,
    lead_image_caption: str | None = None,
    lead_image_credit: str | None = None,
    embargo_until: dt.datetime | None = None,
) -> ArticlePage:
    """Create or update the article `slug` filed under `section`, save a revision and publish it.

    `body` is StreamField data (`[{"type": "paragraph", "value": "<p>...</p>"}, ...]`). A backdated
    `published_at` is kept as the story's first publication and last update, so an imported archive
    does not look as if it was all published today. With `publish=False` the article is saved as a
    draft; with a future `go_live_at` publishing schedules it (Wagtail publishes it at that time).
    A future `embargo_until` holds it until then whatever `go_live_at` says (newsroom.embargo).
    `lead_image`, `lead_image_caption` and `lead_image_credit` are left as they are when None.
    """
    fields = ArticleFields(
        section=section,
        slug=slug,
        title=title,
        body=body,
        authors=authors,
        standfirst=standfirst,
        published_at=published_at,
        updated_at=updated_at,
        tags=tags,
        additional_sections=additional_sections,
        publish=publish,
        go_live_at=go_live_at,
        lead_image=lead_image,
        lead_image_caption=lead_image_caption,
        lead_image_credit=lead_image_credit,
        embargo_until=embargo_until,
    )
    article = ArticlePage.objects.child_of(section).filter(slug=slug).first()
    created = article is None
    if created:
        article = ArticlePage(slug=slug, live=False)
    _article_fill(article, fields)
    page_write(page=article, parent=section, created=created, publish=publish)
    if publish:
        last_published = _backdated_last_publication(fields)
        if last_published is not None:
            ArticlePage.objects.filter(pk=article.pk).update(last_published_at=last_published)
        article.refresh_from_db()
    return article


def articles_create_bulk(stories: Sequence[ArticleFields]) -> list[ArticlePage]:
    """Create many new stories at once, published (or drafts), as `article_save` would one by one.

    For the importers: a few multi-row INSERTs per batch (`core.pages.pages_create_bulk`) instead
    of Wagtail's seventy-odd queries per story. Every story to publish still goes through the
    publish guards (`core.publishing.publish_check`, by the caller's path): a guard that blocks on
    that path raises PublishBlocked and the caller's transaction rolls everything back. Signals
    are not sent, so the caller owes the index updates they make (the importers' one rebuild
    after their commit). The slugs must be free under their sections, and no story may be
    scheduled (a future `go_live_at`: save those with `article_save`). Returns the new pages, in
    order.
    """
    entries = []
    tags = _tags_by_name(stories)
    for fields in stories:
        if fields.scheduled:
            raise ValueError(f"Article {fields.slug!r} is scheduled: save it with article_save")
        article = ArticlePage(slug=fields.slug, live=False)
        _article_fill(article, replace(fields, tags=()))
        # The tag links set in memory directly: taggit's manager would look each tag up again.
        named = {
            tag.pk: tag
            for t in fields.tags
            for tag in [tags[t.lower()] if isinstance(t, str) else t]
        }
        article.tagged_items = [ArticlePageTag(tag=tag) for tag in named.values()]
        if fields.publish:
            # What ArticlePage.save() and a backdated article_save give a story published now.
            article.first_published_at = article.first_published_at or timezone.now()
            article.published_at = article.published_at or article.first_published_at
            article.last_published_at = _backdated_last_publication(fields)
        entries.append(NewPage(parent=fields.section, page=article, publish=fields.publish))
    pages_create_bulk(entries)
    with publish_batch():
        for entry in entries:
            if entry.publish:
                publish_check(page=entry.page, revision=entry.revision)
    return [entry.page for entry in entries]


def _tags_by_name(stories: Sequence[ArticleFields]) -> dict[str, Tag]:
    """Return the tags the stories name (by lower-cased name), creating the missing ones.

    One query for the whole batch rather than one per name per story; names match regardless of
    case, as `TAGGIT_CASE_INSENSITIVE` has them match everywhere else.
    """
    names = {t.lower(): t for fields in stories for t in fields.tags if isinstance(t, str)}
    found: dict[str, Tag] = {}
    wanted = sorted(names)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for tag in Tag.objects.annotate(lower=Lower("name")).filter(lower__in=chunk).order_by("pk"):
            found.setdefault(tag.lower, tag)
    for lowered, name in names.items():
        if lowered not in found:
            found[lowered] = tag_ensure(name=name)
    return found


def tag_ensure(*, name: str) -> Tag:
    """Return the tag called `name` (case-insensitively), creating it if missing.

    Lets an importer account for every tag of an archive, including tags no article uses yet.
    """
    name = text_carried(name)
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        tag = Tag(name=name)
        if not tag.slugify(name):
            # A name of punctuation alone ('">', '…') slugifies to nothing, and a tag with an
            # empty slug has no page (/tags//): it gets a slug from its name's digest instead.
            digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:10]
            tag.slug = f"tag-{digest}"
        tag.save()
    return tag


def image_ensure(
    *,
    path: Path | None = None,
    data: bytes | None = None,
    name: str = "",
    title: str,
    description: str = "",
    focal_point: tuple[int, int, int, int] | None = None,
    dimensions: tuple[int, int] | None = None,
) -> AbstractImage:
    """Return the image whose file has the same content as `path` (or `data`, saved as `name`),
    adding it to the library if new.

    Images are matched on their file hash, so importing the same archive twice does not duplicate
    its pictures. `description` is the image's alt text. `focal_point` (centre x, centre y, width,
    height in pixels, as Wagtail stores it) is where Wagtail's cropping renditions centre; it is
    set only on a new image, so an editor's choice survives a re-run. `dimensions` (width,
    height), when the caller drew the image and so knows them, spare Wagtail decoding the whole
    file twice to measure it.
    """
    if data is None:
        if path is None:
            raise ValueError("image_ensure needs a path or data")
        data = path.read_bytes()
        name = name or path.name
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    image_model = get_image_model()
    image = image_model.objects.filter(file_hash=digest).first()
    if image is not None:
        return image
    known = {"width": dimensions[0], "height": dimensions[1]} if dimensions else {}
    image = image_model(
        **known,
        title=text_carried(title)[:255] or Path(name).stem,
        description=text_carried(description)[:255],
        file=ImageFile(io.BytesIO(data), name=name or f"{digest[:12]}.jpg"),
    )
    image.file_hash = digest
    if focal_point is not None:
        (
            image.focal_point_x,
            image.focal_point_y,
            image.focal_point_width,
            image.focal_point_height,
        ) = focal_point
    image.save()
    return image


def home_top_stories_set(*, home: HomePage, articles: Sequence[ArticlePage]) -> HomePage:
    """Make `articles` the front page's top stories, in order, and publish the home page."""
    home.featured_items = [
        HomeTopStory(article=article, sort_order=index) for index, article in enumerate(articles)
    ]
    return page_publish(page=home)


# The page history's entry for a story the scheduler held back at go-live.
HELD_ACTION = "dateline.publish.held"


@dataclass
class ScheduledRun:
    """What one pass of the scheduler did: pages published, expired, and held back (with why)."""

    published: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    held: list[tuple[int, list[PublishProblem]]] = field(default_factory=list)


def scheduled_publish_run() -> ScheduledRun:
    """Unpublish what has expired and publish what is due, as Wagtail's `publish_scheduled` does.

    Go-live publishes by the scheduled path, so the publish guards check each story again at that
    moment; a story they refuse is held back (`scheduled_publish_hold`) instead of stopping the
    run, and every other due story still goes live. Safe to run as often as wanted: each due
    revision is published once.
    """
    from django.apps import apps
    from wagtail.models import DraftStateMixin

    run = ScheduledRun()
    now = timezone.now()
    models = [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    for model in models:
        for item in list(model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at")):
            item.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            run.expired.append(item.pk)
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at")
    for revision in list(due):
        try:
            with transaction.atomic(), publish_path(PublishPath.SCHEDULED):
                revision.publish(log_action="wagtail.publish.scheduled")
        except PublishBlocked as blocked:
            scheduled_publish_hold(revision=revision, blocked=blocked)
            run.held.append((int(revision.object_id), blocked.problems))
        else:
            run.published.append(int(revision.object_id))
    return run


def scheduled_publish_hold(*, revision: Revision, blocked: PublishBlocked) -> None:
    """Hold back a story the guards refused at go-live, and tell the people who scheduled it.

    Its schedule is withdrawn (so the scheduler does not retry it every minute) but its go-live
    time is kept: once fixed, publishing it again schedules it for that time, or publishes it at
    once when the time has passed. The page's history records why, and the revision's author and
    the page's owner get an email when they have an address.
    """
    from django.core.mail import send_mail
    from wagtail.log_actions import log

    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
    page = revision.content_object
    problems = [{"code": p.code, "message": p.message} for p in blocked.problems]
    log(instance=page, action=HELD_ACTION, revision=revision, data={"problems": problems})
    recipients = sorted(
        {
            address
            for person in (revision.user, getattr(page, "owner", None))
            if person is not None and (address := getattr(person, "email", ""))
        }
    )
    if recipients:
        listed = "\n".join(f"- {p['code']}: {p['message']}" for p in problems)
        send_mail(
            subject=f"Held back from scheduled publishing: {page.title}",
            message=(
                f"“{page.title}” was due to go live, but was held back because:\n\n{listed}\n\n"
                "Fix it in the editor and publish it again: it keeps its go-live time."
            ),
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,
        )
