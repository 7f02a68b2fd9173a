"""Import a WordPress export: what the export says (`wxr`), mapped onto the import pipeline.

Authors, categories (as sections), tags and attachments (as library images) come first, then posts
(as articles) and pages (as standard pages), each through `dateline.importers.pipeline`, which owns
the run's transaction, the skip / create / update decision, the records and the redirects. The
writes themselves go through `dateline.newsroom.services` and `dateline.pages.services`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Page

from dateline.importers.content import (
    IMAGE_EXTENSIONS,
    ImageRef,
    image_size_variant_base,
    text_of,
    wordpress_content_to_blocks,
)
from dateline.importers.models import ImportedItem
from dateline.importers.pipeline import (
    ImportRun,
    OnItem,
    checksum_of,
    child_slug,
    import_run,
)
from dateline.importers.report import ImportFailed, ImportReport, Progress
from dateline.importers.wordpress.media import MediaFolder, attachment_paths, url_key
from dateline.importers.wordpress.wxr import (
    WXRAttachment,
    WXRError,
    WXRIndex,
    WXRItem,
    wxr_index,
    wxr_items,
)
from dateline.newsroom.models import ArticlePage, Author, SectionPage
from dateline.newsroom.services import (
    ArticleFields,
    author_ensure,
    image_ensure,
    page_move,
    section_ensure,
    tag_ensure,
)
from dateline.pages.models import StandardPage
from dateline.pages.services import standard_page_save

WP = ImportedItem.Source.WORDPRESS
_STATUS_LIVE = {"publish"}


@dataclass
class _WordPressRun:
    run: ImportRun
    index: WXRIndex
    media: MediaFolder
    default_author: str
    shortcodes: frozenset[str] = frozenset()  # the site's own, removed (WordPress's are read)
    parent: Page | None = None  # where the categories' sections go (--parent-section; home)
    menu: frozenset[str] = frozenset()  # imported sections to show in the menu (slugs or titles)
    sections: dict[str, SectionPage] = field(default_factory=dict)  # by category slug
    authors: dict[str, Author] = field(default_factory=dict)  # by login
    images: dict[str, int | None] = field(default_factory=dict)  # by attachment id
    by_url: dict[str, str] = field(default_factory=dict)  # attachment URL (no size) -> id
    pages: dict[str, Page] = field(default_factory=dict)  # WordPress page id -> StandardPage

    @property
    def report(self) -> ImportReport:
        return self.run.report

    @property
    def section_root(self) -> Page:
        """Return the page the categories' top-level sections go under (a section, or home)."""
        return self.parent or self.run.home


def _attachment_image(wp: _WordPressRun, attachment: WXRAttachment) -> int | None:
    """Return the library image for an attachment, importing its file from --media-dir once."""
    if attachment.post_id in wp.images:
        return wp.images[attachment.post_id]
    image_id = None
    suffix = Path(urlsplit(attachment.url).path).suffix.lower()
    previous = wp.run.previous(wp.run.key("attachment", attachment.post_id))
    if suffix not in IMAGE_EXTENSIONS:
        wp.report.count("attachment", "skip")
        wp.report.note(
            f"attachment {attachment.post_id} is not an image, left out: {attachment.url}"
        )
    elif wp.media.root is None:
        wp.report.count("attachment", "missing")
    else:
        path = wp.media.find(attachment_paths(attachment.url, attachment.file))
        if path is None:
            wp.report.count("attachment", "missing")
            wp.report.note(
                f"attachment {attachment.post_id} not found under --media-dir: {attachment.url}"
            )
        else:
            image = image_ensure(path=path, title=attachment.title, description=attachment.alt)
            image_id = image.pk
            checksum = checksum_of([image.file_hash, attachment.title, attachment.alt])
            wp.run.record(previous, target_id=image_id, checksum=checksum)
    wp.images[attachment.post_id] = image_id
    return image_id


def _resolve_body_image(wp: _WordPressRun, ref: ImageRef) -> int | None:
    attachment = wp.index.attachments.get(ref.attachment_id) if ref.attachment_id else None
    if attachment is None and ref.src:
        attachment_id = wp.by_url.get(url_key(image_size_variant_base(ref.src)))
        attachment = wp.index.attachments.get(attachment_id or "")
    if attachment is not None:
        return _attachment_image(wp, attachment)
    if ref.src and wp.media.root is not None:
        # An image that is not an attachment of this export: try the uploads folder anyway.
        key = f"url:{image_size_variant_base(ref.src)}"
        if key not in wp.images:
            path = wp.media.find(attachment_paths(image_size_variant_base(ref.src), ""))
            if path is not None and path.suffix.lower() in IMAGE_EXTENSIONS:
                wp.images[key] = image_ensure(path=path, title=ref.alt or path.stem).pk
            else:
                wp.images[key] = None
        return wp.images[key]
    return None


_MARKUP = re.compile(r"<[a-zA-Z/!]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]\w*);")


def plain_title(raw: str) -> str:
    """Return a WordPress title as plain text: tags stripped, entities decoded, spaces collapsed.

    WordPress stores titles as HTML (themes print them unescaped), so `<em>`, `&amp;` or `&#8211;`
    in a title are markup, not words; Dateline titles are plain text.
    """
    if _MARKUP.search(raw):
        return text_of(raw)
    return " ".join(raw.split())


def _author_slug(login: str, name: str = "") -> str:
    return (
        slugify(login)
        or slugify(name)
        or f"wp-author-{hashlib.sha1(login.encode(), usedforsecurity=False).hexdigest()[:8]}"
    )[:200]


def _import_authors(wp: _WordPressRun) -> None:
    """Make each declared author (`wp:author`, matched by login) an author snippet.

    A login only a post's `dc:creator` names is matched to the declared login it spells once
    punctuation is dropped (`>themereviewteam` is `themereviewteam`, a typo in the export), and is
    otherwise a new author. Nothing another post's field says renames an author: only the declared
    author's own display name names it.
    """
    declared = {login: a for login, a in wp.index.authors.items() if a.declared}
    by_slug: dict[str, str] = {}
    for login, author in declared.items():
        name = author.display_name or " ".join(
            p for p in (author.first_name, author.last_name) if p
        )
        name = (name or login)[:200]
        slug = _author_slug(login, name)
        by_slug.setdefault(slug, login)
        previous = wp.run.previous(wp.run.key("author", login))
        existed = Author.objects.filter(slug=slug).exists()
        dateline_author = author_ensure(slug=slug, name=name)
        wp.authors[login] = dateline_author
        wp.run.record(
            previous,
            target_id=dateline_author.pk,
            checksum=checksum_of([slug, name]),
            existed=existed,
        )
    for login, author in wp.index.authors.items():
        if author.declared:
            continue
        slug = _author_slug(login)
        if slug in by_slug:
            real = by_slug[slug]
            wp.authors[login] = wp.authors[real]
            wp.report.note(f"author {login!r} (dc:creator) read as the declared login {real!r}")
            continue
        previous = wp.run.previous(wp.run.key("author", login))
        existed = Author.objects.filter(slug=slug).exists()
        # An existing author with this slug keeps its name: a creator field never renames anyone.
        dateline_author = author_ensure(slug=slug, name=login[:200], rename=False)
        by_slug[slug] = login
        wp.authors[login] = dateline_author
        wp.run.record(
            previous, target_id=dateline_author.pk, checksum=checksum_of([slug]), existed=existed
        )


def _section_slug(wp: _WordPressRun, category_slug: str, parent: Page, own_id: int | None) -> str:
    slug = (
        slugify(unquote(category_slug))
        or f"category-{hashlib.sha1(category_slug.encode(), usedforsecurity=False).hexdigest()[:8]}"
    )
    # A category imported before keeps its own section; a new one may use any section of the slug.
    return child_slug(
        parent=parent, slug=slug, model=SectionPage, own_id=own_id, reuse_any=own_id is None
    )


def _in_menu(wp: _WordPressRun, slug: str, title: str) -> bool:
    return bool({slug.lower(), title.lower()} & wp.menu)


def _section_for(
    wp: _WordPressRun,
    *,
    key: str,
    slug: str,
    title: str,
    intro: str,
    parent: Page,
    kind: str = "category",
) -> tuple[SectionPage, str]:
    """Ensure the section of category `key` under `parent`; return it and its checksum.

    A section an earlier run made is moved under `parent` if it was elsewhere (it keeps its
    history); an existing section of the slug there is reused as it is. New sections stay out of
    the menu unless `--menu` names them; an existing section's menu choice is the editors'.
    """
    previous = wp.run.previous(wp.run.key(kind, key))
    if previous.target_id:
        earlier = SectionPage.objects.filter(pk=previous.target_id).first()
        if earlier is not None:
            page_move(page=earlier, parent=parent)
    section_slug = _section_slug(wp, slug, parent, previous.target_id)
    checksum = checksum_of([section_slug, title, intro, parent.pk])
    section = SectionPage.objects.child_of(parent).filter(slug=section_slug).first()
    existing = section if previous.record is None else None
    chosen = _in_menu(wp, slug, title)
    if previous.record is not None or section is None:
        section = section_ensure(
            home=wp.run.home,
            parent=parent,
            slug=section_slug,
            title=title,
            intro=intro,
            show_in_menus=True if chosen else (None if section is not None else False),
        )
    elif chosen and not section.show_in_menus:
        # A section the newsroom already has: its title and intro stay; only --menu shows it.
        section = section_ensure(
            home=wp.run.home,
            parent=parent,
            slug=section_slug,
            title=section.title,
            intro=section.intro,
            show_in_menus=True,
        )
    wp.sections[key] = section
    wp.run.record(previous, target_id=section.pk, checksum=checksum, existed=existing is not None)
    return section, checksum


def _import_categories(wp: _WordPressRun) -> None:
    """Make every category a section under the run's parent section, nested as in WordPress.

    A child category becomes a section inside its parent's section. A post filed in a child
    category also appears in the sections of its parent categories (as further sections), as
    WordPress category archives do. Parents come before their children whatever the export's order.
    """
    for slug in sorted(
        wp.index.categories, key=lambda s: len(_category_ancestors(wp, s))
    ):  # stable: the export's order within a level
        term = wp.index.categories[slug]
        parent_term = wp.index.categories.get(term.parent_slug)
        intro = term.description
        if parent_term is not None:
            intro = intro or f"Part of {plain_title(parent_term.name)}."
        parent = wp.sections.get(term.parent_slug) if parent_term is not None else None
        title = (plain_title(term.name) or slug)[:255]
        _section_for(
            wp, key=slug, slug=slug, title=title, intro=intro, parent=parent or wp.section_root
        )


def _import_tags(wp: _WordPressRun) -> None:
    for slug, term in wp.index.tags.items():
        name = (plain_title(term.name) or slug)[:100]
        previous = wp.run.previous(wp.run.key("tag", slug))
        tag = tag_ensure(name=name)
        wp.run.record(previous, target_id=tag.pk, checksum=checksum_of([name]))


def _category_ancestors(wp: _WordPressRun, slug: str) -> list[str]:
    chain, seen = [], {slug}
    term = wp.index.categories.get(slug)
    while term is not None and term.parent_slug and term.parent_slug not in seen:
        seen.add(term.parent_slug)
        chain.append(term.parent_slug)
        term = wp.index.categories.get(term.parent_slug)
    return chain


def _item_sections(wp: _WordPressRun, item: WXRItem) -> tuple[SectionPage, list[SectionPage]]:
    slugs = [slug for slug, _name in item.categories if slug in wp.sections]
    if not slugs:
        fallback = "uncategorized"
        if fallback not in wp.sections:
            _section_for(
                wp,
                key=fallback,
                slug=fallback,
                title="Uncategorized",
                intro="",
                parent=wp.section_root,
                kind="fallback section",  # not a category of the export: counted apart
            )
        slugs = [fallback]
    # The most specific category (deepest in the tree) is the primary section.
    primary = max(slugs, key=lambda s: (len(_category_ancestors(wp, s)), -slugs.index(s)))
    further: list[str] = []
    for slug in slugs:
        for candidate in [slug, *_category_ancestors(wp, slug)]:
            if candidate != primary and candidate not in further and candidate in wp.sections:
                further.append(candidate)
    return wp.sections[primary], [wp.sections[s] for s in further]


def _item_status(wp: _WordPressRun, item: WXRItem) -> tuple[str, bool, dt.datetime | None]:
    """Return (label, publish, go_live_at) for a post's WordPress status."""
    if item.password:
        wp.report.note(f"{item.label}: password-protected in WordPress, imported as a draft")
        return "draft", False, None
    if item.status in _STATUS_LIVE:
        return "published", True, None
    if item.status == "future":
        if item.date_gmt and item.date_gmt > timezone.now():
            return "scheduled", True, item.date_gmt
        wp.report.note(f"{item.label}: scheduled for a time already past, published")
        return "published", True, None
    if item.status == "private":
        wp.report.note(f"{item.label}: private in WordPress, imported as a draft")
    return ("pending" if item.status == "pending" else "draft"), False, None


def _post_blocks(wp: _WordPressRun, item: WXRItem) -> tuple[list[dict[str, Any]], list[str]]:
    body = wordpress_content_to_blocks(
        item.content,
        resolve_image=lambda ref: _resolve_body_image(wp, ref),
        shortcodes=wp.shortcodes,
    )
    return body.blocks, body.notes


def _author_for(wp: _WordPressRun, item: WXRItem) -> Author:
    if item.creator in wp.authors:
        return wp.authors[item.creator]
    key = f"default:{wp.default_author}"
    if key not in wp.authors:
        wp.authors[key] = author_ensure(
            slug=slugify(wp.default_author) or "staff", name=wp.default_author
        )
    return wp.authors[key]


def _item_written(wp: _WordPressRun, item: WXRItem, *, kind: str, notes: list[str]) -> None:
    """Report what a person should know about a post or page that was created or updated."""
    if item.sticky and kind == "post":
        wp.report.count("sticky post", "noted")
        wp.report.note(f"{item.label}: sticky in WordPress (consider it for the top stories)")
    for note in notes:
        wp.report.note(f"{item.label}: {note}")


def _import_post(wp: _WordPressRun, item: WXRItem) -> None:
    previous = wp.run.previous_page(wp.run.key("post", item.post_id), ArticlePage)
    section, further = _item_sections(wp, item)
    status, publish, go_live_at = _item_status(wp, item)
    blocks, notes = _post_blocks(wp, item)
    lead_image_id = None
    if item.thumbnail_id and item.thumbnail_id in wp.index.attachments:
        lead_image_id = _attachment_image(wp, wp.index.attachments[item.thumbnail_id])
    title = plain_title(item.title) or f"Untitled WordPress post {item.post_id}"
    standfirst = text_of(item.excerpt)
    author = _author_for(wp, item)
    tags = [wp.index.tags[slug].name if slug in wp.index.tags else name for slug, name in item.tags]
    slug = child_slug(
        parent=section,
        slug=slugify(unquote(item.slug)) or slugify(title) or f"post-{item.post_id}",
        model=ArticlePage,
        own_id=previous.target_id,
        pending=wp.run.pending_slugs(section),
        children=wp.run.children(section),
    )
    data = {
        "slug": slug,
        "section": section.pk,
        "further": [s.pk for s in further],
        "title": title,
        "standfirst": standfirst,
        "body": blocks,
        "author": author.pk,
        "tags": sorted(tags),
        "date": item.date_gmt,
        "modified": item.modified_gmt,
        "status": status,
        "lead_image": lead_image_id,
    }

    lead_image = get_image_model().objects.get(pk=lead_image_id) if lead_image_id else None
    image_caption = None
    if lead_image_id:
        image_caption = text_of(wp.index.attachments[item.thumbnail_id].caption)[:400]
    fields = ArticleFields(
        section=section,
        slug=slug,
        title=title[:255],
        body=blocks,
        authors=[author],
        standfirst=standfirst,
        published_at=item.date_gmt,
        updated_at=item.modified_gmt
        if item.modified_gmt and item.date_gmt and item.modified_gmt > item.date_gmt
        else None,
        tags=tags,
        additional_sections=further,
        publish=publish,
        go_live_at=go_live_at,
        lead_image=lead_image,
        lead_image_caption=image_caption,
    )
    action = wp.run.article_save(
        previous,
        fields=fields,
        checksum=checksum_of(data),
        label=f"{item.label} (line {item.line})",
        summary={"kind": "post", "id": item.post_id, "title": title, "status": status},
        # Only the permalink: "?p=123" links are served by the home page, so a redirect would
        # never fire.
        old_urls=[item.link],
    )
    if action != "skip":
        _item_written(wp, item, kind="post", notes=notes)


def _import_page(wp: _WordPressRun, item: WXRItem, parent: Page) -> None:
    """Import a WordPress page as a standard page, under its parent page or the home page."""
    previous = wp.run.previous_page(wp.run.key("page", item.post_id), StandardPage)
    status, publish, _go_live = _item_status(wp, item)
    if status == "scheduled":
        publish = False
    blocks, notes = _post_blocks(wp, item)
    title = plain_title(item.title) or f"Untitled WordPress page {item.post_id}"
    slug = child_slug(
        parent=parent,
        slug=slugify(unquote(item.slug)) or slugify(title) or f"page-{item.post_id}",
        model=StandardPage,
        own_id=previous.target_id,
    )
    intro = text_of(item.excerpt)
    checksum = checksum_of([slug, parent.pk, title, intro, blocks, status, item.date_gmt])

    def save() -> StandardPage:
        return standard_page_save(
            parent=parent,
            slug=slug,
            title=title[:255],
            intro=intro,
            body=blocks,
            publish=publish,
            first_published_at=item.date_gmt,
        )

    saved = wp.run.page_save(
        previous,
        parent=parent,
        checksum=checksum,
        save=save,
        label=f"{item.label} (line {item.line})",
        summary={"kind": "page", "id": item.post_id, "title": title, "status": status},
        old_urls=[item.link],
    )
    wp.pages[item.post_id] = saved.page
    if saved.written:
        _item_written(wp, item, kind="page", notes=notes)


def _import_items(wp: _WordPressRun, items: Iterable[WXRItem]) -> None:
    """Import the posts and pages as they stream past; a child page waits for its parent page."""
    report, home = wp.report, wp.run.home
    waiting: list[WXRItem] = []
    for item in items:
        if item.post_type == "post":
            if item.status in {"trash", "inherit"}:
                report.count("post", "skip")
                report.note(f"{item.label}: status {item.status!r}, not imported")
                continue
            _import_post(wp, item)
        elif item.post_type == "page":
            if item.status in {"trash", "inherit"}:
                report.count("page", "skip")
                continue
            parent = wp.pages.get(item.parent_id) if item.parent_id not in {"", "0"} else home
            if parent is None:
                waiting.append(item)  # its parent page comes later in the file
            else:
                _import_page(wp, item, parent)
        elif item.post_type == "attachment":
            _attachment_image(wp, wp.index.attachments[item.post_id])
        else:
            report.count(f"other: {item.post_type}", "skip")
        if item.comments:
            report.count("comment", "not imported", item.comments)
    while waiting:
        ready = [i for i in waiting if i.parent_id in wp.pages]
        if not ready:
            for item in waiting:
                report.note(f"{item.label}: parent page {item.parent_id} missing, put under home")
                _import_page(wp, item, home)
            break
        for item in ready:
            _import_page(wp, item, wp.pages[item.parent_id])
        waiting = [i for i in waiting if i not in ready]


def wordpress_import(
    *,
    path: Path,
    media_dir: Path | None = None,
    commit: bool = False,
    default_author: str = "Staff",
    shortcodes: Iterable[str] = (),
    parent_section: str | None = None,
    menu: Iterable[str] = (),
    progress: Progress | None = None,
    on_item: OnItem | None = None,
) -> ImportReport:
    """Import a WordPress export: authors, categories, tags, attachments, posts, pages, redirects.

    Checks the whole file first (well-formed, a supported WXR version) so a bad export is refused
    before anything is written; then imports it in one transaction, which is rolled back unless
    `commit`. Raises ImportFailed, naming the line or item, when the run cannot complete.
    `on_item` is called with each item's outcome (see `pipeline.OnItem`). `shortcodes` names the
    site's own shortcodes to remove, besides `DATELINE_IMPORT_SHORTCODES`; other bracketed text is
    kept verbatim. Categories become sections under `parent_section` (a section's slug or title,
    created if missing; the home page when None), nested as in WordPress; only the sections `menu`
    names (slugs or titles) are shown in the site's menu.
    """
    if media_dir is not None and not media_dir.is_dir():
        raise ImportFailed(f"--media-dir {media_dir} is not a folder.")
    try:
        index = wxr_index(path)
    except WXRError as exc:
        raise ImportFailed(str(exc)) from exc
    wrap = progress or (lambda items: items)
    try:
        with import_run(source=WP, origin=index.origin, commit=commit, on_item=on_item) as run:
            wp = _WordPressRun(
                run=run,
                index=index,
                media=MediaFolder(media_dir),
                default_author=default_author,
                shortcodes=frozenset(
                    name.strip().strip("[]").lower()
                    for name in [*settings.DATELINE_IMPORT_SHORTCODES, *shortcodes]
                    if name.strip()
                ),
                menu=frozenset(name.strip().lower() for name in menu if name.strip()),
            )
            if parent_section:
                wp.parent = _parent_section(wp, parent_section)
            for attachment in index.attachments.values():
                wp.by_url[url_key(image_size_variant_base(attachment.url))] = attachment.post_id
            _import_authors(wp)
            _import_categories(wp)
            _import_tags(wp)
            total = sum(index.item_types.values())
            _import_items(wp, wrap(_Sized(wxr_items(path), total)))
    except WXRError as exc:
        raise ImportFailed(str(exc)) from exc
    return run.report


def _parent_section(wp: _WordPressRun, name: str) -> SectionPage:
    """Return the top-level section named `name` (slug or title), creating it if missing."""
    home = wp.run.home
    for section in SectionPage.objects.child_of(home):
        if name.strip().lower() in {section.slug.lower(), section.title.lower()}:
            if _in_menu(wp, section.slug, section.title) and not section.show_in_menus:
                section = section_ensure(
                    home=home,
                    slug=section.slug,
                    title=section.title,
                    intro=section.intro,
                    show_in_menus=True,
                )
            return section
    slug = child_slug(
        parent=home, slug=slugify(name) or "archive", model=SectionPage, reuse_any=True
    )
    section = section_ensure(
        home=home,
        slug=slug,
        title=name.strip()[:255],
        show_in_menus=_in_menu(wp, slug, name.strip()),
    )
    wp.report.count("parent section", "create")
    return section


class _Sized:
    """The item stream with a length, so a progress bar knows the total."""

    def __init__(self, items: Iterator[WXRItem], total: int) -> None:
        self.items, self.total = items, total

    def __iter__(self) -> Iterator[WXRItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.total
