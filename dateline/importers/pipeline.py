"""The import pipeline: what every source of an import shares, written once.

A source (a WordPress export, a folder of saved pages) is a reader, which says what the archive
holds, and a thin mapping of what it read onto this pipeline. The pipeline owns the rest:

- the run (`import_run`): one database transaction. A dry run (the default) does all the work and
  then rolls it back, so its report of what would be created, updated and skipped is exact; a
  failure or an interrupt rolls back too, and image files written during a rolled-back run are
  deleted, so the site is left as it was;
- the bookkeeping: every item is keyed on its source (`SourceKey`) and recorded in `ImportedItem`
  with a checksum of what was imported, so a second run updates items whose source changed, skips
  the rest and never duplicates (`ImportRun.record` for authors, tags, sections and images,
  `ImportRun.page_save` for pages);
- the writes: only through `dateline.newsroom.services` (standard pages through
  `dateline.pages.services`): a page whose item changed parent is moved with `page_move`, then the
  mapping's own service call saves it; the pipeline itself writes only the mapping (`ImportedItem`)
  and the redirects from old URLs;
- the quality policy: everything the run publishes goes by `PublishPath.IMPORT`, on which the
  publish guards' problems (`dateline.core.publishing`) do not stop a publication; the pipeline
  collects them and names each page and its problems in the report (`quality` / `errors`, a note,
  and the item's `problems` in `report.items`), so an editor can look at them after the import;
- the `ImportReport`, and a seam (`on_item`) that sees every item's outcome as it happens.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from dateline.core.deferral import index_updates_deferred
from dateline.core.publishing import (
    PublishPath,
    PublishProblem,
    publish_path,
    publish_problems_collected,
)
from dateline.core.routing import page_url, reserved_slugs
from dateline.core.tasks import tasks_inline
from dateline.importers.followup import archive_indexes_rebuild, wagtail_indexes_deferred
from dateline.importers.models import ImportedItem
from dateline.importers.report import ImportFailed, ImportReport
from dateline.importers.tasks import archive_indexes_rebuild_task
from dateline.newsroom.models import ArticlePage, HomePage
from dateline.newsroom.services import (
    ArticleFields,
    article_save,
    articles_create_bulk,
    page_move,
    site_ensure,
)

# Bump when the mapping from source to Dateline changes, so unchanged items are imported again.
IMPORTER_VERSION = "2"

# New stories written together (`ImportRun.article_save`): large enough that each multi-row
# INSERT carries many stories, small enough that the batch's pages stay cheap to hold.
BATCH_SIZE = 500

P = TypeVar("P", bound=Page)


class _DryRunRollback(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


def checksum_of(data: object) -> str:
    """Return a stable hash of `data` (JSON-serialisable) and the importer version."""
    raw = json.dumps([IMPORTER_VERSION, data], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SourceKey:
    """Which source item this is: the kind of source, the archive, the kind of item and its id there."""

    source: str
    origin: str
    kind: str
    source_id: str

    @property
    def label(self) -> str:
        """Name the item for messages: its kind and source id."""
        return f"{self.kind} {self.source_id}"


def imported_item_record(*, key: SourceKey, target_id: int | None, checksum: str) -> ImportedItem:
    """Remember which Dateline object a source item became, and the checksum it had."""
    item, _ = ImportedItem.objects.update_or_create(
        source=key.source,
        origin=key.origin,
        kind=key.kind,
        source_id=key.source_id,
        defaults={"target_id": target_id, "checksum": checksum},
    )
    return item


def _redirect_path(old_url: str, page: Page, site: Site) -> str | None:
    """Return the normalised path (and query) of `old_url`, or None when it is the page's own."""
    parts = urlsplit(old_url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    old_path = Redirect.normalise_path(path)
    if old_path in {"", "/"} or old_path == Redirect.normalise_path(page.relative_url(site) or ""):
        return None
    return old_path


def redirect_ensure(*, old_url: str, page: Page, site: Site) -> bool:
    """Send readers of an old URL (path and query of any host) to `page`; return True if new or changed.

    Does nothing when the old path is the page's own path.
    """
    old_path = _redirect_path(old_url, page, site)
    if old_path is None:
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


def redirects_ensure(*, pairs: Sequence[tuple[str, Page]], site: Site) -> int:
    """Send readers of each old URL to its page, as `redirect_ensure` does, in a few queries.

    For a batch of new pages; returns how many redirects were created or changed.
    """
    wanted: dict[str, Page] = {}
    for old_url, page in pairs:
        old_path = _redirect_path(old_url, page, site)
        if old_path is not None:
            wanted[old_path] = page
    changed = 0
    paths = list(wanted)
    for start in range(0, len(paths), BATCH_SIZE):
        chunk = paths[start : start + BATCH_SIZE]
        for existing in Redirect.objects.filter(old_path__in=chunk, site=site):
            page = wanted.pop(existing.old_path)
            if existing.redirect_page_id != page.pk or not existing.is_permanent:
                existing.redirect_page, existing.redirect_link, existing.is_permanent = (
                    page,
                    "",
                    True,
                )
                existing.save()
                changed += 1
    Redirect.objects.bulk_create(
        [
            Redirect(old_path=old_path, site=site, redirect_page=page, is_permanent=True)
            for old_path, page in wanted.items()
        ],
        batch_size=BATCH_SIZE,
    )
    return changed + len(wanted)


def child_slug(
    *,
    parent: Page,
    slug: str,
    model: type[Page],
    own_id: int | None = None,
    reuse_any: bool = False,
    pending: Container[str] = (),
    children: Mapping[str, tuple[int, type[Page]]] | None = None,
) -> str:
    """Return `slug`, or a variant (`-2`, `-3`, ...), that no other page under `parent` uses.

    The page `own_id` (an earlier run's result) may keep its slug; with `reuse_any`, any page of
    `model` may (a section the newsroom already has, which the import files stories into).

    A slug the site routes elsewhere (`core.routing.reserved_slugs`: `/authors/`, `/tags/`,
    `/on-this-day/`, `/search/`, ...) is never given: under the home page such a page would be
    shadowed and never served. The rule holds under every parent, as it always has for WordPress,
    because narrowing it would rename pages an earlier run imported below a section. `pending`
    names slugs already given to pages not yet written (a run's queued stories); `children`,
    the parent's children by slug (`ImportRun.children`), spares a query per candidate.
    """
    base = slug[:240] or "untitled"
    candidate = base if base not in reserved_slugs() else f"{base}-1"
    counter = 1
    while True:
        if candidate in pending:
            counter += 1
            candidate = f"{base}-{counter}"
            continue
        if children is not None:
            found = children.get(candidate)
            clash_id, clash_model = found if found is not None else (None, None)
        else:
            clash = parent.get_children().filter(slug=candidate).first()
            clash_id = clash.pk if clash is not None else None
            clash_model = clash.specific_class if clash is not None else None
        same_model = clash_id is not None and clash_model is model
        if clash_id is None or (same_model and (reuse_any or own_id == clash_id)):
            return candidate
        counter += 1
        candidate = f"{base}-{counter}"


@contextmanager
def import_transaction(*, commit: bool) -> Iterator[None]:
    """Run the body in one transaction; roll it back unless `commit`, and on any error or interrupt.

    Image files stored during a run that is rolled back are removed again, so a dry run or a failed
    run leaves neither rows nor files behind.
    """
    image_model = get_image_model()
    new_files: list[str] = []

    def remember(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
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


@dataclass(frozen=True)
class ItemOutcome:
    """What the run did with one source item: create, update or skip, and what it became."""

    key: SourceKey
    action: str
    target_id: int | None
    label: str


# Called with each item's outcome as soon as it is known. Whatever it raises stops the run as that
# item's failure (an interrupt as an interrupt), so the whole run is rolled back.
OnItem = Callable[[ItemOutcome], None]


class Previous(Generic[P]):
    """What an earlier run made of a source item: its record and, for a page item, the page.

    The page is read only when asked for (`page`): a run that skips an unchanged story needs only
    to know that its page is still there and where (`page_exists`, `page_url`), which the run
    reads for all its records at once.
    """

    def __init__(
        self,
        *,
        key: SourceKey,
        record: ImportedItem | None,
        model: type[P] | None = None,
        url_path: str | None = None,
    ) -> None:
        self.key, self.record, self.model = key, record, model
        self._url_path = url_path  # the page's, when the record names a page of `model`
        self._page: P | None = None

    @property
    def target_id(self) -> int | None:
        """Return the id of the object the item became last time, or None."""
        return self.record.target_id if self.record is not None else None

    @property
    def page_exists(self) -> bool:
        """Return whether the item's page (of the run's model) is still on the site."""
        return self._url_path is not None

    @property
    def page_url(self) -> str:
        """Return the item's page's address on the site ("" when it has none)."""
        if self._url_path is None:
            return ""
        return page_url(url_path=self._url_path, request=None) or ""

    @property
    def page(self) -> P | None:
        """Return the page the item became last time (read on first use), or None."""
        if self._page is None and self.page_exists and self.model is not None:
            self._page = self.model.objects.filter(pk=self.target_id).first()
        return self._page


@dataclass(frozen=True)
class Saved(Generic[P]):
    """A page item after the run: the page and what was done (create, update or skip)."""

    page: P
    action: str

    @property
    def written(self) -> bool:
        """Return whether the page was created or updated (not skipped as unchanged)."""
        return self.action != "skip"


@dataclass
class _Queued:
    """A new story waiting in the run's batch: what to write and how to account for it."""

    previous: Previous[ArticlePage]
    fields: ArticleFields
    checksum: str
    label: str
    entry: dict[str, Any]  # its place in report.items, completed when the batch is written
    old_urls: Sequence[str] = field(default_factory=tuple)


class ImportRun:
    """One run of an import, inside its transaction: the bookkeeping every source shares."""

    def __init__(
        self,
        *,
        report: ImportReport,
        home: HomePage,
        source: str,
        origin: str,
        on_item: OnItem | None,
        published: list[tuple[Page, list[PublishProblem]]],
    ) -> None:
        self.report, self.home, self.source, self.origin = report, home, source, origin
        self.on_item = on_item
        self._site: Site | None = None
        # Every page published so far in the run, with its guards' problems (publish_problems_collected).
        self._published = published
        self._reported = 0
        # Pages created or updated: the follow-up indexes them once the run has committed.
        self.written_pages: list[int] = []
        # New stories not yet written (`article_save`), and their slugs by parent page.
        self._queue: list[_Queued] = []
        self._queued_slugs: dict[int, set[str]] = {}
        self._queued_keys: set[SourceKey] = set()
        # Read once per run: the records by archive, where their pages are (address, type), and
        # the children of the pages stories are filed under (slug -> id and type).
        self._records: dict[tuple[str, str], dict[tuple[str, str], ImportedItem]] = {}
        self._page_rows: dict[int, tuple[str, int]] = {}
        self._child_slugs: dict[int, dict[str, tuple[int, type[Page]]]] = {}

    @property
    def site(self) -> Site:
        """Return the site the import writes to (its redirects belong to it)."""
        if self._site is None:
            self._site = self.home.get_site()
        return self._site

    def key(self, kind: str, source_id: str, *, origin: str | None = None) -> SourceKey:
        """Return the key of an item of this run's source (and archive, unless `origin` says)."""
        return SourceKey(
            source=self.source,
            origin=self.origin if origin is None else origin,
            kind=kind,
            source_id=source_id,
        )

    def _records_of(self, key: SourceKey) -> dict[tuple[str, str], ImportedItem]:
        """Return the records of `key`'s source and archive by (kind, source id), read once."""
        archive = (key.source, key.origin)
        records = self._records.get(archive)
        if records is None:
            records = {
                (record.kind, record.source_id): record
                for record in ImportedItem.objects.filter(source=key.source, origin=key.origin)
            }
            self._records[archive] = records
            self._page_rows_read(records.values())
        return records

    def _page_rows_read(self, records: Iterable[ImportedItem]) -> None:
        """Remember where the pages that `records` name are (address and type), in a few queries."""
        ids = sorted({record.target_id for record in records if record.target_id})
        for start in range(0, len(ids), 1000):
            rows = Page.objects.filter(pk__in=ids[start : start + 1000]).values_list(
                "pk", "url_path", "content_type_id"
            )
            for pk, url_path, type_id in rows:
                self._page_rows[pk] = (url_path, type_id)

    def _remember(
        self, record: ImportedItem, *, url_path: str | None = None, type_id: int = 0
    ) -> None:
        """Keep a record written in this run (and its page's place) for later lookups."""
        key = SourceKey(record.source, record.origin, record.kind, record.source_id)
        self._records_of(key)[(record.kind, record.source_id)] = record
        if url_path is not None and record.target_id:
            self._page_rows[record.target_id] = (url_path, type_id)

    def _record_get(self, key: SourceKey) -> ImportedItem | None:
        if key in self._queued_keys:
            self.flush()  # the same source item twice in one batch: write the first one now
        return self._records_of(key).get((key.kind, key.source_id))

    def previous(self, key: SourceKey) -> Previous[Page]:
        """Return what an earlier run recorded for `key` (the record only; no page is read)."""
        return Previous(key=key, record=self._record_get(key))

    def previous_page(self, key: SourceKey, model: type[P]) -> Previous[P]:
        """Return what an earlier run made of the page item `key`: its record and its `model` page."""
        record = self._record_get(key)
        url_path = None
        if record is not None and record.target_id in self._page_rows:
            path, type_id = self._page_rows[record.target_id]
            found = ContentType.objects.get_for_id(type_id).model_class() if type_id else None
            if found is not None and issubclass(found, model):
                url_path = path
        return Previous(key=key, record=record, model=model, url_path=url_path)

    def record(
        self, previous: Previous[Page], *, target_id: int, checksum: str, existed: bool = False
    ) -> str:
        """Count an ensured object (author, tag, section, image) as skip, update or create; remember it.

        The object itself was written by the mapping's `*_ensure` service call; an item is skipped
        when it became the same object with the same checksum last time. A first import that found
        the object already on the site (`existed`) counts it as `existing`, not as created.
        """
        record = previous.record
        if record is not None and record.checksum == checksum and record.target_id == target_id:
            action = "skip"
        else:
            action = "update" if record is not None else ("existing" if existed else "create")
            self._remember(
                imported_item_record(key=previous.key, target_id=target_id, checksum=checksum)
            )
        self.report.count(previous.key.kind, action)
        # The ensure call may have published a page (the section a category became).
        self._problems_report(label=previous.key.label)
        self._outcome(previous.key, action, target_id, previous.key.label)
        return action

    def page_save(
        self,
        previous: Previous[P],
        *,
        parent: Page,
        checksum: str,
        save: Callable[[], P],
        label: str,
        summary: dict[str, Any],
        old_urls: Sequence[str] = (),
    ) -> Saved[P]:
        """Skip, create or update a page item: the decision, the move, the record and the redirects.

        An item whose page exists with the same checksum is skipped (no new revision). Otherwise a
        page that changed parent is moved first (it keeps its history), then `save` writes it
        through the services; its old URLs become permanent redirects. `label` names the item in
        the failure that rolls the run back; `summary` starts its entry in `report.items`.
        """
        kind, existing, record = previous.key.kind, previous.page, previous.record
        if existing is not None and record is not None and record.checksum == checksum:
            self.report.count(kind, "skip")
            self.report.items.append(
                {**summary, "action": "skip", "url": existing.url, "problems": []}
            )
            self._outcome(previous.key, "skip", existing.pk, label)
            return Saved(existing, "skip")
        self.flush()  # the queued new stories first: this write may depend on their slugs
        self._problems_report()  # pages published on the way (a fallback section), by their titles
        try:
            if existing is not None:
                # The item moved (another category, another parent page): move its page, so the
                # story keeps its history and revisions rather than starting again elsewhere.
                page_move(page=existing, parent=parent)
            page = save()
        except ImportFailed:
            raise
        except Exception as exc:  # name the item, then let the run roll back
            raise ImportFailed(f"{label}: {exc}") from exc
        action = "update" if existing is not None else "create"
        self.report.count(kind, action)
        self.written_pages.append(page.pk)
        self._remember(
            imported_item_record(key=previous.key, target_id=page.pk, checksum=checksum),
            url_path=page.url_path,
            type_id=page.content_type_id,
        )
        self._child_slugs.clear()  # a page was written the slow way: read the slugs again
        for old_url in old_urls:
            if old_url and redirect_ensure(old_url=old_url, page=page, site=self.site):
                self.report.count("redirect", "create")
        problems = self._problems_report(label=label)
        self.report.items.append(
            {**summary, "action": action, "url": page.url, "problems": problems}
        )
        self._outcome(previous.key, action, page.pk, label)
        return Saved(page, action)

    def pending_slugs(self, parent: Page) -> set[str]:
        """Return the slugs given to queued stories under `parent` (for `child_slug`'s `pending`)."""
        return self._queued_slugs.get(parent.pk, set())

    def children(self, parent: Page) -> Mapping[str, tuple[int, type[Page]]]:
        """Return the slugs of `parent`'s children with their ids and types (for `child_slug`).

        Read once per parent and kept up to date as the run's batches are written; a page the run
        writes one at a time makes it read again.
        """
        known = self._child_slugs.get(parent.pk)
        if known is None:
            known = {}
            rows = parent.get_children().values_list("slug", "pk", "content_type_id")
            for slug, pk, type_id in rows:
                model = ContentType.objects.get_for_id(type_id).model_class() or Page
                known[slug] = (pk, model)
            self._child_slugs[parent.pk] = known
        return known

    def article_save(
        self,
        previous: Previous[ArticlePage],
        *,
        fields: ArticleFields,
        checksum: str,
        label: str,
        summary: dict[str, Any],
        old_urls: Sequence[str] = (),
    ) -> str:
        """Skip, create or update a story item; return the action (create, update or skip).

        As `page_save` with `newsroom.services.article_save`, except that a new story (one no
        earlier run made, not scheduled) joins a batch that is written `BATCH_SIZE` at a time by
        `articles_create_bulk`: an archive's stories cost a few INSERTs per batch rather than a
        page save each. Its outcome, redirects, record and guards' problems are accounted for when
        its batch is written (`flush`), all inside the run's one transaction.
        """
        record = previous.record
        if previous.page_exists and record is not None and record.checksum == checksum:
            # Unchanged since the last run: skipped without reading the page itself.
            self.report.count(previous.key.kind, "skip")
            self.report.items.append(
                {**summary, "action": "skip", "url": previous.page_url, "problems": []}
            )
            self._outcome(previous.key, "skip", previous.target_id, label)
            return "skip"
        if previous.page_exists or fields.scheduled:
            saved = self.page_save(
                previous,
                parent=fields.section,
                checksum=checksum,
                save=lambda: article_save(**vars(fields)),
                label=label,
                summary=summary,
                old_urls=old_urls,
            )
            return saved.action
        entry = {**summary, "action": "create", "url": "", "problems": []}
        self.report.items.append(entry)
        self.report.count(previous.key.kind, "create")
        self._queue.append(
            _Queued(
                previous=previous,
                fields=fields,
                checksum=checksum,
                label=label,
                entry=entry,
                old_urls=tuple(old_urls),
            )
        )
        self._queued_slugs.setdefault(fields.section.pk, set()).add(fields.slug)
        self._queued_keys.add(previous.key)
        if len(self._queue) >= BATCH_SIZE:
            self.flush()
        return "create"

    def flush(self) -> None:
        """Write the queued new stories in one batch, then their records, redirects and problems."""
        queue, self._queue = self._queue, []
        self._queued_slugs, self._queued_keys = {}, set()
        if not queue:
            return
        self._problems_report()  # anything published before the batch, by its own title
        try:
            pages = articles_create_bulk([queued.fields for queued in queue])
        except ImportFailed:
            raise
        except Exception as exc:  # name the batch, then let the run roll back
            raise ImportFailed(
                f"{queue[0].label} … {queue[-1].label} ({len(queue)} stories): {exc}"
            ) from exc
        problems_of: dict[int, list[PublishProblem]] = {}
        for page, problems in self._published[self._reported :]:
            problems_of.setdefault(page.pk, []).extend(problems)
        self._reported = len(self._published)

        new_records: list[ImportedItem] = []
        redirects: list[tuple[str, Page]] = []
        for queued, page in zip(queue, pages, strict=True):
            self.written_pages.append(page.pk)
            key = queued.previous.key
            if queued.previous.record is None:
                new_records.append(
                    ImportedItem(
                        source=key.source,
                        origin=key.origin,
                        kind=key.kind,
                        source_id=key.source_id,
                        target_id=page.pk,
                        checksum=queued.checksum,
                    )
                )
            else:  # its page was deleted since: the record now names the new one
                self._remember(
                    imported_item_record(key=key, target_id=page.pk, checksum=queued.checksum)
                )
            self._page_rows[page.pk] = (page.url_path, page.content_type_id)
            siblings = self._child_slugs.get(queued.fields.section.pk)
            if siblings is not None:
                siblings[page.slug] = (page.pk, type(page))
            redirects.extend((old_url, page) for old_url in queued.old_urls if old_url)
            found = self._problems_name(queued.label, problems_of.get(page.pk, []))
            queued.entry.update(url=page.url, problems=found)
        ImportedItem.objects.bulk_create(new_records, batch_size=BATCH_SIZE)
        for record in new_records:
            self._remember(record)
        created = redirects_ensure(pairs=redirects, site=self.site)
        if created:
            self.report.count("redirect", "create", created)
        for queued, page in zip(queue, pages, strict=True):
            self._outcome(queued.previous.key, "create", page.pk, queued.label)

    def _problems_name(self, label: str, problems: list[PublishProblem]) -> list[dict[str, str]]:
        """Count and note one page's guard problems under `label`; return them for its entry."""
        if not problems:
            return []
        messages = "; ".join(problem.message for problem in problems)
        self.report.count("quality", "errors", len(problems))
        self.report.note(f"{label}: published despite quality problems: {messages}")
        return [{"code": problem.code, "message": problem.message} for problem in problems]

    def skip(
        self, key: SourceKey, *, note: str, details: dict[str, Any], label: str | None = None
    ) -> None:
        """Leave an item out (it cannot be imported as it is) and say why, in the notes."""
        self.report.count(key.kind, "skip")
        self.report.note(note)
        self.report.items.append({**details, "action": "skip", "problems": []})
        self._outcome(key, "skip", None, label or key.label)

    def _problems_report(self, *, label: str | None = None) -> list[dict[str, str]]:
        """Report the guards' problems with the pages published since the last call; return them.

        Imports publish despite problems (`PublishPath.IMPORT`), so the report is where an editor
        learns of them: a `quality` / `errors` count per problem and a note per page, naming it by
        `label` (the item being imported) or, without one, by its type and title.
        """
        found: list[dict[str, str]] = []
        for page, problems in self._published[self._reported :]:
            if not problems:
                continue
            name = label or f"{page._meta.verbose_name} {page.title!r}"
            messages = "; ".join(problem.message for problem in problems)
            self.report.count("quality", "errors", len(problems))
            self.report.note(f"{name}: published despite quality problems: {messages}")
            found.extend({"code": problem.code, "message": problem.message} for problem in problems)
        self._reported = len(self._published)
        return found

    def _outcome(self, key: SourceKey, action: str, target_id: int | None, label: str) -> None:
        if self.on_item is None:
            return
        try:
            self.on_item(ItemOutcome(key=key, action=action, target_id=target_id, label=label))
        except ImportFailed:
            raise
        except Exception as exc:
            raise ImportFailed(f"{label}: {exc}") from exc


@contextmanager
def import_run(
    *, source: str, commit: bool, origin: str = "", on_item: OnItem | None = None
) -> Iterator[ImportRun]:
    """Run an import of `source` (an `ImportedItem.Source`) in one transaction; yield the run.

    The run is rolled back unless `commit` (see `import_transaction`); an interrupt becomes
    ImportFailed("interrupted ..."), after the rollback. Everything in it publishes by
    `PublishPath.IMPORT`, and the guards' problems with each published page go into the report.
    `origin` is the archive every key of the run belongs to unless a key says otherwise; `on_item`
    sees each item's outcome (see `OnItem`).
    """
    report = ImportReport(committed=commit)
    try:
        with (
            index_updates_deferred(),
            wagtail_indexes_deferred(),
            import_transaction(commit=commit),
            publish_path(PublishPath.IMPORT),
            publish_problems_collected() as published,
        ):
            run = ImportRun(
                report=report,
                home=site_ensure(),
                source=source,
                origin=origin,
                on_item=on_item,
                published=published,
            )
            run._problems_report()  # the home page, when the run had to make the site
            yield run
            run.flush()
            run._problems_report()
    except KeyboardInterrupt as exc:
        raise ImportFailed("interrupted: nothing was imported") from exc
    if commit and report.total("create") + report.total("update"):
        # The per-story index updates were deferred (one transaction, no signal work per story):
        # rebuild them once, now that the import is committed: in the worker when there is one.
        if not tasks_inline(archive_indexes_rebuild_task.backend):
            archive_indexes_rebuild_task.enqueue(list(run.written_pages))
            report.note(
                "the import is committed; the worker now rebuilds Related News and the search "
                "index once (`dateline worker`; without one, run `dateline related rebuild` and "
                "`dateline search rebuild`)"
            )
            return
        try:
            done = archive_indexes_rebuild(page_ids=run.written_pages)
        except Exception as exc:  # the import is committed; say what is owed rather than fail
            report.note(
                f"the import is committed but the rebuild after it failed ({exc}): run "
                "`dateline related rebuild` and `dateline search rebuild`"
            )
        else:
            report.note(
                f"rebuilt after the import: Related News for {done.related} stories, "
                f"search index of {done.searched}"
            )
