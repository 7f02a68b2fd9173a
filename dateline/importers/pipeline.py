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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

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
from dateline.core.routing import reserved_slugs
from dateline.core.tasks import tasks_inline
from dateline.importers.followup import archive_indexes_rebuild, wagtail_indexes_deferred
from dateline.importers.models import ImportedItem
from dateline.importers.report import ImportFailed, ImportReport
from dateline.importers.tasks import archive_indexes_rebuild_task
from dateline.newsroom.models import HomePage
from dateline.newsroom.services import page_move, site_ensure

# Bump when the mapping from source to Dateline changes, so unchanged items are imported again.
IMPORTER_VERSION = "2"

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


def imported_item_get(*, key: SourceKey) -> ImportedItem | None:
    """Return the record of an earlier import of this source item, or None."""
    return ImportedItem.objects.filter(
        source=key.source, origin=key.origin, kind=key.kind, source_id=key.source_id
    ).first()


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


def redirect_ensure(*, old_url: str, page: Page, site: Site) -> bool:
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


def child_slug(
    *,
    parent: Page,
    slug: str,
    model: type[Page],
    own_id: int | None = None,
    reuse_any: bool = False,
) -> str:
    """Return `slug`, or a variant (`-2`, `-3`, ...), that no other page under `parent` uses.

    The page `own_id` (an earlier run's result) may keep its slug; with `reuse_any`, any page of
    `model` may (a section the newsroom already has, which the import files stories into).

    A slug the site routes elsewhere (`core.routing.reserved_slugs`: `/authors/`, `/tags/`,
    `/on-this-day/`, `/search/`, ...) is never given: under the home page such a page would be
    shadowed and never served. The rule holds under every parent, as it always has for WordPress,
    because narrowing it would rename pages an earlier run imported below a section.
    """
    base = slug[:240] or "untitled"
    candidate = base if base not in reserved_slugs() else f"{base}-1"
    counter = 1
    while True:
        clash = parent.get_children().filter(slug=candidate).first()
        same_model = clash is not None and clash.specific_class is model
        if clash is None or (same_model and (reuse_any or own_id == clash.pk)):
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


@dataclass
class Previous(Generic[P]):
    """What an earlier run made of a source item: its record and, for a page, the page (or None)."""

    key: SourceKey
    record: ImportedItem | None
    page: P | None = None

    @property
    def target_id(self) -> int | None:
        """Return the id of the object the item became last time, or None."""
        return self.record.target_id if self.record is not None else None


@dataclass(frozen=True)
class Saved(Generic[P]):
    """A page item after the run: the page and what was done (create, update or skip)."""

    page: P
    action: str

    @property
    def written(self) -> bool:
        """Return whether the page was created or updated (not skipped as unchanged)."""
        return self.action != "skip"


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

    def previous(self, key: SourceKey) -> Previous[Page]:
        """Return what an earlier run recorded for `key` (the record only; no page is loaded)."""
        return Previous(key=key, record=imported_item_get(key=key))

    def previous_page(self, key: SourceKey, model: type[P]) -> Previous[P]:
        """Return what an earlier run made of the page item `key`: its record and its `model` page."""
        record = imported_item_get(key=key)
        page = None
        if record is not None and record.target_id:
            page = model.objects.filter(pk=record.target_id).first()
        return Previous(key=key, record=record, page=page)

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
            imported_item_record(key=previous.key, target_id=target_id, checksum=checksum)
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
        imported_item_record(key=previous.key, target_id=page.pk, checksum=checksum)
        for old_url in old_urls:
            if old_url and redirect_ensure(old_url=old_url, page=page, site=self.site):
                self.report.count("redirect", "create")
        problems = self._problems_report(label=label)
        self.report.items.append(
            {**summary, "action": action, "url": page.url, "problems": problems}
        )
        self._outcome(previous.key, action, page.pk, label)
        return Saved(page, action)

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
