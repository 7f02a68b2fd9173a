"""Import archives into Dateline: bookkeeping, reports and the WordPress and saved-page runs.

Every run is one database transaction. A dry run (the default) does all the work and then rolls it
back, so its report of what would be created, updated and skipped is exact; a failure or an interrupt
rolls back too, and image files written during a rolled-back run are deleted, so the site is left as
it was. Articles, sections, authors and tags are written only through `dateline.newsroom.services`
(standard pages through `dateline.pages.services`); this module owns only the source-key mapping
(`ImportedItem`) and the redirects from old permalinks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page

from dateline.importers.content import (
    ImageRef,
    image_size_variant_base,
    text_of,
    wordpress_content_to_blocks,
)
from dateline.importers.models import ImportedItem
from dateline.importers.wordpress import (
    WXRAttachment,
    WXRError,
    WXRIndex,
    WXRItem,
    wxr_index,
    wxr_items,
)
from dateline.newsroom.models import ArticlePage, HomePage, SectionPage
from dateline.newsroom.services import (
    article_save,
    author_ensure,
    image_ensure,
    section_ensure,
    site_ensure,
    tag_ensure,
)
from dateline.pages.models import StandardPage
from dateline.pages.services import standard_page_save

# Bump when the mapping from source to Dateline changes, so unchanged items are imported again.
IMPORTER_VERSION = "1"
ACTIONS = ("create", "update", "skip")
# Slugs under the home page that its own routes use (/authors/, /tags/): never give them to a page.
RESERVED_SLUGS = {"authors", "tags", "admin", "search", "media", "static", "documents"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
Progress = Callable[[Iterable], Iterable]


class ImportFailed(Exception):
    """The run was refused or stopped; nothing was changed. The message names the item at fault."""


class _DryRunRollback(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


@dataclass
class ImportReport:
    """What a run did (or would do): counts per kind and action, notes, and per-item details."""

    committed: bool = False
    counts: dict[str, Counter] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    def count(self, kind: str, action: str, number: int = 1) -> None:
        """Add `number` to the tally of `action` (create, update, skip, or a note-worthy other)."""
        self.counts.setdefault(kind, Counter())[action] += number

    def note(self, message: str) -> None:
        """Record something a person should know about the import."""
        self.notes.append(message)

    def total(self, action: str) -> int:
        """Return how many items of every kind had `action`."""
        return sum(counter[action] for counter in self.counts.values())

    def table(self) -> str:
        """Return the summary as a plain-text table: one row per kind, one column per action."""
        extra = sorted({a for c in self.counts.values() for a in c} - set(ACTIONS))
        columns = [*ACTIONS, *extra]
        header = ["kind", *columns, "total"]
        rows = [header]
        for kind in sorted(self.counts):
            counter = self.counts[kind]
            rows.append([kind, *(str(counter[c]) for c in columns), str(sum(counter.values()))])
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = []
        for index, row in enumerate(rows):
            lines.append(
                "  ".join(
                    cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                    for i, cell in enumerate(row)
                )
            )
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def checksum_of(data: object) -> str:
    """Return a stable hash of `data` (JSON-serialisable) and the importer version."""
    raw = json.dumps([IMPORTER_VERSION, data], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def imported_item_get(
    *, source: str, origin: str, kind: str, source_id: str
) -> ImportedItem | None:
    """Return the record of an earlier import of this source item, or None."""
    return ImportedItem.objects.filter(
        source=source, origin=origin, kind=kind, source_id=source_id
    ).first()


def imported_item_record(
    *, source: str, origin: str, kind: str, source_id: str, target_id: int | None, checksum: str
) -> ImportedItem:
    """Remember which Dateline object a source item became, and the checksum it had."""
    item, _ = ImportedItem.objects.update_or_create(
        source=source,
        origin=origin,
        kind=kind,
        source_id=source_id,
        defaults={"target_id": target_id, "checksum": checksum},
    )
    return item


def redirect_ensure(*, old_url: str, page: Page, site) -> bool:
    """Send readers of an old URL (path and query of any host) to `page`; return True if new or changed.

    Does nothing when the old path is the page's own path.
    """
    parts = urlsplit(old_url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    old_path = Redirect.normalise_path(path)
    if old_path in {"", "/"} or old_path == Redirect.normalise_path(page.relative_url(site) or ""):
        return False
    existing = Redirect.objects.filter(old_path=old_path, site=site).first()
    if existing is not None:
        if existing.redirect_page_id == page.pk and existing.is_permanent:
            return False
        existing.redirect_page, existing.redirect_link, existing.is_permanent = page, "", True
        existing.save()
        return True
    Redirect.objects.create(old_path=old_path, site=site, redirect_page=page, is_permanent=True)
    return True


@contextmanager
def import_transaction(*, commit: bool) -> Iterator[None]:
    """Run the body in one transaction; roll it back unless `commit`, and on any error or interrupt.

    Image files stored during a run that is rolled back are removed again, so a dry run or a failed
    run leaves neither rows nor files behind.
    """
    image_model = get_image_model()
    new_files: list[str] = []

    def remember(sender, instance, created, **kwargs) -> None:
        if created and instance.file:
            new_files.append(instance.file.name)

    post_save.connect(remember, sender=image_model, weak=False)
    rolled_back = True
    try:
        with transaction.atomic():
            yield
            if not commit:
                raise _DryRunRollback
            rolled_back = False
    except _DryRunRollback:
        pass
    finally:
        post_save.disconnect(remember, sender=image_model)
        if rolled_back:
            storage = image_model._meta.get_field("file").storage
            for name in new_files:
                if storage.exists(name):
                    storage.delete(name)


# --- WordPress ----------------------------------------------------------------------------------

WP = ImportedItem.Source.WORDPRESS
_STATUS_LIVE = {"publish"}
_STATUS_DRAFT = {"draft", "pending", "auto-draft", "private"}


@dataclass
class _WordPressRun:
    index: WXRIndex
    report: ImportReport
    home: HomePage
    media_dir: Path | None
    default_author: str
    sections: dict[str, SectionPage] = field(default_factory=dict)  # by category slug
    authors: dict[str, object] = field(default_factory=dict)  # by login
    images: dict[str, int | None] = field(default_factory=dict)  # by attachment id
    by_url: dict[str, str] = field(default_factory=dict)  # attachment URL (no size) -> id
    pages: dict[str, Page] = field(default_factory=dict)  # WordPress page id -> StandardPage
    media_files: dict[str, list[Path]] | None = None

    @property
    def origin(self) -> str:
        return self.index.origin


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower().removeprefix('www.')}{unquote(parts.path)}"


def _media_lookup(run: _WordPressRun, candidates: list[str]) -> Path | None:
    """Find an attachment's file under --media-dir: by relative path, then by file name."""
    if run.media_dir is None:
        return None
    root = run.media_dir.resolve()
    for candidate in candidates:
        candidate = candidate.lstrip("/")
        if not candidate or ".." in Path(candidate).parts:
            continue
        path = (root / candidate).resolve()
        if path.is_file() and path.is_relative_to(root):
            return path
    if run.media_files is None:
        run.media_files = {}
        for folder, _dirs, files in os.walk(root):
            for name in files:
                run.media_files.setdefault(name.lower(), []).append(Path(folder) / name)
    for candidate in candidates:
        matches = run.media_files.get(Path(candidate).name.lower(), [])
        if matches:
            return sorted(matches)[0]
    return None


def _attachment_paths(url: str, attached_file: str) -> list[str]:
    path = unquote(urlsplit(url).path)
    candidates = [attached_file] if attached_file else []
    if "/wp-content/uploads/" in path:
        candidates.append(path.split("/wp-content/uploads/", 1)[1])
    candidates.append(path)
    # Files on wordpress.com are served from /YYYY/MM/name.
    candidates.append(path.lstrip("/"))
    return [c for c in candidates if c]


def _attachment_image(run: _WordPressRun, attachment: WXRAttachment) -> int | None:
    """Return the library image for an attachment, importing its file from --media-dir once."""
    if attachment.post_id in run.images:
        return run.images[attachment.post_id]
    image_id = None
    suffix = Path(urlsplit(attachment.url).path).suffix.lower()
    record = imported_item_get(
        source=WP, origin=run.origin, kind="attachment", source_id=attachment.post_id
    )
    if suffix not in IMAGE_EXTENSIONS:
        run.report.count("attachment", "skip")
        run.report.note(
            f"attachment {attachment.post_id} is not an image, left out: {attachment.url}"
        )
    elif run.media_dir is None:
        run.report.count("attachment", "missing")
    else:
        path = _media_lookup(run, _attachment_paths(attachment.url, attachment.file))
        if path is None:
            run.report.count("attachment", "missing")
            run.report.note(
                f"attachment {attachment.post_id} not found under --media-dir: {attachment.url}"
            )
        else:
            image = image_ensure(path=path, title=attachment.title, description=attachment.alt)
            image_id = image.pk
            checksum = checksum_of([image.file_hash, attachment.title, attachment.alt])
            _bookkeep(
                run,
                kind="attachment",
                source_id=attachment.post_id,
                record=record,
                target_id=image_id,
                checksum=checksum,
            )
    run.images[attachment.post_id] = image_id
    return image_id


def _resolve_body_image(run: _WordPressRun, ref: ImageRef) -> int | None:
    attachment = run.index.attachments.get(ref.attachment_id) if ref.attachment_id else None
    if attachment is None and ref.src:
        attachment_id = run.by_url.get(_url_key(image_size_variant_base(ref.src)))
        attachment = run.index.attachments.get(attachment_id or "")
    if attachment is not None:
        return _attachment_image(run, attachment)
    if ref.src and run.media_dir is not None:
        # An image that is not an attachment of this export: try the uploads folder anyway.
        key = f"url:{image_size_variant_base(ref.src)}"
        if key not in run.images:
            path = _media_lookup(run, _attachment_paths(image_size_variant_base(ref.src), ""))
            if path is not None and path.suffix.lower() in IMAGE_EXTENSIONS:
                run.images[key] = image_ensure(path=path, title=ref.alt or path.stem).pk
            else:
                run.images[key] = None
        return run.images[key]
    return None


def _unique_child_slug(*, parent: Page, slug: str, own_model: type, own_id: int | None) -> str:
    """Return `slug`, or a variant, that no other page under `parent` uses."""
    base = slug[:240] or "untitled"
    candidate = base if base not in RESERVED_SLUGS else f"{base}-1"
    counter = 1
    while True:
        clash = parent.get_children().filter(slug=candidate).first()
        same_model = clash is not None and clash.specific_class is own_model
        # own_id -1 means any page of that model may be reused (a section the newsroom has).
        if clash is None or (same_model and own_id in {clash.pk, -1}):
            return candidate
        counter += 1
        candidate = f"{base}-{counter}"


def _import_authors(run: _WordPressRun) -> None:
    for login, author in run.index.authors.items():
        name = author.display_name or " ".join(
            p for p in (author.first_name, author.last_name) if p
        )
        name = name or login
        slug = (
            slugify(login)
            or slugify(name)
            or f"wp-author-{hashlib.sha1(login.encode()).hexdigest()[:8]}"
        )
        checksum = checksum_of([slug, name])
        record = imported_item_get(source=WP, origin=run.origin, kind="author", source_id=login)
        dateline_author = author_ensure(slug=slug[:200], name=name[:200])
        run.authors[login] = dateline_author
        _bookkeep(
            run,
            kind="author",
            source_id=login,
            record=record,
            target_id=dateline_author.pk,
            checksum=checksum,
        )


def _section_slug(run: _WordPressRun, category_slug: str) -> str:
    slug = (
        slugify(unquote(category_slug))
        or f"category-{hashlib.sha1(category_slug.encode()).hexdigest()[:8]}"
    )
    record = imported_item_get(
        source=WP, origin=run.origin, kind="category", source_id=category_slug
    )
    own_id = record.target_id if record else -1
    return _unique_child_slug(parent=run.home, slug=slug, own_model=SectionPage, own_id=own_id)


def _import_categories(run: _WordPressRun) -> None:
    """Make every category a section under the home page (Dateline's sections are one level deep).

    Nesting is kept in the articles instead: a post filed in a child category also appears in the
    sections of its parent categories (as further sections), as WordPress category archives do.
    """
    for slug, term in run.index.categories.items():
        parent = run.index.categories.get(term.parent_slug)
        intro = term.description
        if parent is not None:
            intro = intro or f"Part of {parent.name}."
        section_slug = _section_slug(run, slug)
        title = (term.name or slug)[:255]
        checksum = checksum_of([section_slug, title, intro])
        record = imported_item_get(source=WP, origin=run.origin, kind="category", source_id=slug)
        section = SectionPage.objects.child_of(run.home).filter(slug=section_slug).first()
        if record is not None or section is None:
            section = section_ensure(home=run.home, slug=section_slug, title=title, intro=intro)
        # else: a section the newsroom already has: file the posts there, keep its title and intro.
        run.sections[slug] = section
        _bookkeep(
            run,
            kind="category",
            source_id=slug,
            record=record,
            target_id=section.pk,
            checksum=checksum,
        )


def _bookkeep(
    run: _WordPressRun,
    *,
    kind: str,
    source_id: str,
    record: ImportedItem | None,
    target_id: int,
    checksum: str,
) -> None:
    """Count a source item as skipped (unchanged), updated or created, and remember what it became."""
    if record is not None and record.checksum == checksum and record.target_id == target_id:
        run.report.count(kind, "skip")
        return
    run.report.count(kind, "update" if record else "create")
    imported_item_record(
        source=WP,
        origin=run.origin,
        kind=kind,
        source_id=source_id,
        target_id=target_id,
        checksum=checksum,
    )


def _import_tags(run: _WordPressRun) -> None:
    for slug, term in run.index.tags.items():
        name = (term.name or slug)[:100]
        tag = tag_ensure(name=name)
        checksum = checksum_of([name])
        record = imported_item_get(source=WP, origin=run.origin, kind="tag", source_id=slug)
        _bookkeep(
            run, kind="tag", source_id=slug, record=record, target_id=tag.pk, checksum=checksum
        )


def _category_ancestors(run: _WordPressRun, slug: str) -> list[str]:
    chain, seen = [], {slug}
    term = run.index.categories.get(slug)
    while term is not None and term.parent_slug and term.parent_slug not in seen:
        seen.add(term.parent_slug)
        chain.append(term.parent_slug)
        term = run.index.categories.get(term.parent_slug)
    return chain


def _item_sections(run: _WordPressRun, item: WXRItem) -> tuple[SectionPage, list[SectionPage]]:
    slugs = [slug for slug, _name in item.categories if slug in run.sections]
    if not slugs:
        fallback = "uncategorized"
        if fallback not in run.sections:
            run.sections[fallback] = section_ensure(
                home=run.home, slug=_section_slug(run, fallback), title="Uncategorized"
            )
        slugs = [fallback]
    # The most specific category (deepest in the tree) is the primary section.
    primary = max(slugs, key=lambda s: (len(_category_ancestors(run, s)), -slugs.index(s)))
    further: list[str] = []
    for slug in slugs:
        for candidate in [slug, *_category_ancestors(run, slug)]:
            if candidate != primary and candidate not in further and candidate in run.sections:
                further.append(candidate)
    return run.sections[primary], [run.sections[s] for s in further]


def _item_status(run: _WordPressRun, item: WXRItem) -> tuple[str, bool, dt.datetime | None]:
    """Return (label, publish, go_live_at) for a post's WordPress status."""
    if item.password:
        run.report.note(f"{item.label}: password-protected in WordPress, imported as a draft")
        return "draft", False, None
    if item.status in _STATUS_LIVE:
        return "published", True, None
    if item.status == "future":
        if item.date_gmt and item.date_gmt > timezone.now():
            return "scheduled", True, item.date_gmt
        run.report.note(f"{item.label}: scheduled for a time already past, published")
        return "published", True, None
    if item.status == "private":
        run.report.note(f"{item.label}: private in WordPress, imported as a draft")
    return ("pending" if item.status == "pending" else "draft"), False, None


def _post_blocks(run: _WordPressRun, item: WXRItem) -> tuple[list[dict], list[str]]:
    body = wordpress_content_to_blocks(
        item.content, resolve_image=lambda ref: _resolve_body_image(run, ref)
    )
    return body.blocks, body.notes


def _author_for(run: _WordPressRun, item: WXRItem):
    if item.creator in run.authors:
        return run.authors[item.creator]
    key = f"default:{run.default_author}"
    if key not in run.authors:
        run.authors[key] = author_ensure(
            slug=slugify(run.default_author) or "staff", name=run.default_author
        )
    return run.authors[key]


def _import_post(run: _WordPressRun, item: WXRItem) -> None:
    record = imported_item_get(source=WP, origin=run.origin, kind="post", source_id=item.post_id)
    section, further = _item_sections(run, item)
    status, publish, go_live_at = _item_status(run, item)
    blocks, notes = _post_blocks(run, item)
    lead_image_id = None
    if item.thumbnail_id and item.thumbnail_id in run.index.attachments:
        lead_image_id = _attachment_image(run, run.index.attachments[item.thumbnail_id])
    title = item.title or f"Untitled WordPress post {item.post_id}"
    standfirst = text_of(item.excerpt)
    author = _author_for(run, item)
    tags = [
        run.index.tags[slug].name if slug in run.index.tags else name for slug, name in item.tags
    ]
    own_id = record.target_id if record else None
    slug = _unique_child_slug(
        parent=section,
        slug=slugify(unquote(item.slug)) or slugify(title) or f"post-{item.post_id}",
        own_model=ArticlePage,
        own_id=own_id,
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
    checksum = checksum_of(data)
    existing = ArticlePage.objects.filter(pk=own_id).first() if own_id else None
    summary = {"kind": "post", "id": item.post_id, "title": title, "status": status}
    if existing is not None and record.checksum == checksum:
        run.report.count("post", "skip")
        run.report.items.append({**summary, "action": "skip", "url": existing.url})
        return
    if existing is not None and existing.get_parent().pk != section.pk:
        # The post moved to another category: move the article so it keeps its history.
        existing.move(section, pos="last-child")
    lead_image = get_image_model().objects.get(pk=lead_image_id) if lead_image_id else None
    image_caption = None
    if lead_image_id:
        image_caption = text_of(run.index.attachments[item.thumbnail_id].caption)[:400]
    try:
        article = article_save(
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
    except Exception as exc:  # name the item, then let the run roll back
        raise ImportFailed(f"{item.label} (line {item.line}): {exc}") from exc
    _item_done(
        run,
        item,
        kind="post",
        page=article,
        created=existing is None,
        checksum=checksum,
        notes=notes,
        summary=summary,
    )


def _item_done(
    run: _WordPressRun,
    item: WXRItem,
    *,
    kind: str,
    page: Page,
    created: bool,
    checksum: str,
    notes: list[str],
    summary: dict,
) -> None:
    """Report an imported post or page, remember what it became, and redirect its old permalinks."""
    action = "create" if created else "update"
    run.report.count(kind, action)
    if item.sticky and kind == "post":
        run.report.count("sticky post", "noted")
        run.report.note(f"{item.label}: sticky in WordPress (consider it for the top stories)")
    for note in notes:
        run.report.note(f"{item.label}: {note}")
    imported_item_record(
        source=WP,
        origin=run.origin,
        kind=kind,
        source_id=item.post_id,
        target_id=page.pk,
        checksum=checksum,
    )
    _redirects(run, item, page)
    run.report.items.append({**summary, "action": action, "url": page.url})


def _redirects(run: _WordPressRun, item: WXRItem, page: Page) -> None:
    site = run.home.get_site()
    # Only the permalink: "?p=123" links are served by the home page, so a redirect would never fire.
    if item.link and redirect_ensure(old_url=item.link, page=page, site=site):
        run.report.count("redirect", "create")


def _import_page(run: _WordPressRun, item: WXRItem, parent: Page) -> None:
    """Import a WordPress page as a standard page, under its parent page or the home page."""
    record = imported_item_get(source=WP, origin=run.origin, kind="page", source_id=item.post_id)
    status, publish, _go_live = _item_status(run, item)
    if status == "scheduled":
        publish = False
    blocks, notes = _post_blocks(run, item)
    title = item.title or f"Untitled WordPress page {item.post_id}"
    own_id = record.target_id if record else None
    slug = _unique_child_slug(
        parent=parent,
        slug=slugify(unquote(item.slug)) or slugify(title) or f"page-{item.post_id}",
        own_model=StandardPage,
        own_id=own_id,
    )
    intro = text_of(item.excerpt)
    checksum = checksum_of([slug, parent.pk, title, intro, blocks, status, item.date_gmt])
    existing = StandardPage.objects.filter(pk=own_id).first() if own_id else None
    summary = {"kind": "page", "id": item.post_id, "title": title, "status": status}
    if existing is not None and record.checksum == checksum:
        run.pages[item.post_id] = existing
        run.report.count("page", "skip")
        run.report.items.append({**summary, "action": "skip", "url": existing.url})
        return
    if existing is not None and existing.get_parent().pk != parent.pk:
        existing.move(parent, pos="last-child")
    try:
        page = standard_page_save(
            parent=parent,
            slug=slug,
            title=title[:255],
            intro=intro,
            body=blocks,
            publish=publish,
            first_published_at=item.date_gmt,
        )
    except Exception as exc:
        raise ImportFailed(f"{item.label} (line {item.line}): {exc}") from exc
    run.pages[item.post_id] = page
    _item_done(
        run,
        item,
        kind="page",
        page=page,
        created=existing is None,
        checksum=checksum,
        notes=notes,
        summary=summary,
    )


def wordpress_import(
    *,
    path: Path,
    media_dir: Path | None = None,
    commit: bool = False,
    default_author: str = "Staff",
    progress: Progress | None = None,
) -> ImportReport:
    """Import a WordPress export: authors, categories, tags, attachments, posts, pages, redirects.

    Checks the whole file first (well-formed, a supported WXR version) so a bad export is refused
    before anything is written; then imports it in one transaction, which is rolled back unless
    `commit`. Raises ImportFailed, naming the line or item, when the run cannot complete.
    """
    if media_dir is not None and not media_dir.is_dir():
        raise ImportFailed(f"--media-dir {media_dir} is not a folder.")
    try:
        index = wxr_index(path)
    except WXRError as exc:
        raise ImportFailed(str(exc)) from exc
    report = ImportReport(committed=commit)
    wrap = progress or (lambda items: items)
    try:
        with import_transaction(commit=commit):
            home = site_ensure()
            run = _WordPressRun(
                index=index,
                report=report,
                home=home,
                media_dir=media_dir,
                default_author=default_author,
            )
            for attachment in index.attachments.values():
                run.by_url[_url_key(image_size_variant_base(attachment.url))] = attachment.post_id
            _import_authors(run)
            _import_categories(run)
            _import_tags(run)
            waiting: list[WXRItem] = []
            total = sum(index.item_types.values())
            for item in wrap(_counted(wxr_items(path), total)):
                if item.post_type == "post":
                    if item.status in {"trash", "inherit"}:
                        report.count("post", "skip")
                        report.note(f"{item.label}: status {item.status!r}, not imported")
                        continue
                    _import_post(run, item)
                elif item.post_type == "page":
                    if item.status in {"trash", "inherit"}:
                        report.count("page", "skip")
                        continue
                    parent = (
                        run.pages.get(item.parent_id) if item.parent_id not in {"", "0"} else home
                    )
                    if parent is None:
                        waiting.append(item)  # its parent page comes later in the file
                    else:
                        _import_page(run, item, parent)
                elif item.post_type == "attachment":
                    _attachment_image(run, index.attachments[item.post_id])
                else:
                    report.count(f"other: {item.post_type}", "skip")
                if item.comments:
                    report.count("comment", "not imported", item.comments)
            while waiting:
                ready = [i for i in waiting if i.parent_id in run.pages]
                if not ready:
                    for item in waiting:
                        report.note(
                            f"{item.label}: parent page {item.parent_id} missing, put under home"
                        )
                        _import_page(run, item, home)
                    break
                for item in ready:
                    _import_page(run, item, run.pages[item.parent_id])
                waiting = [i for i in waiting if i not in ready]
    except WXRError as exc:
        raise ImportFailed(str(exc)) from exc
    except KeyboardInterrupt as exc:
        raise ImportFailed("interrupted: nothing was imported") from exc
    return report


def _counted(items: Iterator[WXRItem], total: int) -> Iterator[WXRItem]:
    """Let a progress bar know the total: wrap the stream in an object with a length."""
    return _Sized(items, total)


class _Sized:
    def __init__(self, items: Iterator, total: int) -> None:
        self.items, self.total = items, total

    def __iter__(self) -> Iterator:
        return iter(self.items)

    def __len__(self) -> int:
        return self.total
