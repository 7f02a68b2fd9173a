"""Mixins shared by Dateline's page types, and the page writes the services build on (`page_write`,
`pages_create_bulk`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision

from dateline.core.memo import site_memo


def any_view_restrictions() -> bool:
    """Return whether any page of any site is private (remembered until the content changes)."""
    return site_memo("any-view-restriction", PageViewRestriction.objects.exists)


class ViewRestrictionsMemoMixin:
    """Page mixin: skip Wagtail's two per-view restriction queries while no page is private.

    Adding or removing a restriction purges every page (cache signals), which also drops the memo.
    """

    def get_view_restrictions(self):  # noqa: ANN201 - Wagtail's signature
        """Return the restrictions that apply to this page: none at all while no page is private."""
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        parent: Any = super()  # Wagtail's Page, which this mixin precedes
        return parent.get_view_restrictions()


# What each page type adds to its template context, registered by the app that owns the type.
ContextBuilder = Callable[..., dict[str, Any]]
_context_builders: dict[type, ContextBuilder] = {}


def page_context_register(model: type, builder: ContextBuilder) -> None:
    """Let `builder(page=, request=)` supply what pages of `model` (and its subclasses) show.

    An app registers its page types' builders from `AppConfig.ready()`: the builders read through
    the app's selectors, and the selectors read the models, so the models never import the
    selectors (no cycle), and a page's reads live with the other reads, not in the model.
    """
    _context_builders[model] = builder


def page_context_builder(model: type) -> ContextBuilder | None:
    """Return the builder registered for `model` or its nearest registered base class."""
    for klass in model.__mro__:
        builder = _context_builders.get(klass)
        if builder is not None:
            return builder
    return None


class RegisteredContextMixin:
    """Page mixin: `get_context` adds what the page type's registered builder returns."""

    def get_context(self, request, *args, **kwargs):  # noqa: ANN001, ANN201 - Wagtail's signature
        """Return Wagtail's context for the page plus its registered builder's."""
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        builder = page_context_builder(type(self))
        if builder is not None:
            context.update(builder(page=self, request=request))
        return context


def page_write(*, page: Page, parent: Page, created: bool, publish: bool) -> Revision:
    """Store `page` (added under `parent` when `created`) and a revision of it; publish on request.

    The one way Dateline's services write a page. A draft change to a live page lives only in its
    revision until it is published, so readers keep the live version meanwhile. The publication
    goes through `revision.publish()`, so the publish guards and Wagtail's signals run.
    """
    if created:
        parent.add_child(instance=page)
    elif publish or not page.live:
        page.save()
    revision = page.save_revision()
    if publish:
        revision.publish()
    return revision


@dataclass
class NewPage:
    """A page for `pages_create_bulk`: its parent, the unsaved specific instance, publish or draft.

    The instance carries its own fields and, assigned in memory as on any unsaved Wagtail page,
    its child objects (orderables, tags, parental many-to-many values).
    """

    parent: Page
    page: Page
    publish: bool
    # Filled in by pages_create_bulk: the page's first revision.
    revision: Revision | None = None


def pages_create_bulk(entries: Sequence[NewPage], *, now: dt.datetime | None = None) -> None:
    """Create many new pages at once: tree rows, specific rows, child rows, revisions and history.

    What `parent.add_child()`, `save_revision()` and `revision.publish()` do for one page, done
    with a few multi-row INSERTs per batch instead of some seventy queries per page, for bulk
    writers (the importers) whose archives run to tens of thousands of stories. Each entry gets
    its tree path after the parent's current last child, its `url_path`, its parent's locale, a
    first revision (`entry.revision`) and the page history's "created" (and "published") entries;
    an entry to publish is live at once, a draft has unpublished changes.

    Signals are not sent and the publish guards are not run here: the caller runs the guards
    (`core.publishing.publish_check`) and owes the index updates that signals would have made
    (the importers' one rebuild after their commit). Slugs must already be unique under their
    parent; only pages whose concrete parent model is Page itself are supported.
    """
    if not entries:
        return
    now = now or timezone.now()
    database = router.db_for_write(Page)
    base_type = ContentType.objects.get_for_model(Page)
    by_parent: dict[int, list[NewPage]] = {}
    for entry in entries:
        if entry.page.pk is not None:
            raise ValueError(f"{entry.page!r} is already saved")
        if type(entry.page)._meta.get_parent_list() != [Page]:
            raise ValueError(f"{type(entry.page).__name__} is not a direct subclass of Page")
        by_parent.setdefault(entry.parent.pk, []).append(entry)

    # Tree fields: after each parent's current last child, as treebeard's add_child numbers them.
    for parent_id, group in by_parent.items():
        parent = Page.objects.only("path", "depth", "url_path", "locale_id").get(pk=parent_id)
        last = (
            Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        step = Page._str2int(last[-Page.steplen :]) if last else 0
        for entry in group:
            step += 1
            page = entry.page
            page.path = Page._get_path(parent.path, parent.depth + 1, step)
            page.depth, page.numchild = parent.depth + 1, 0
            page.url_path = f"{parent.url_path}{page.slug}/"
            page.locale_id = page.locale_id or parent.locale_id
            page.draft_title = page.title
            page.latest_revision_created_at = now
            if entry.publish:
                page.live, page.has_unpublished_changes = True, False
                page.first_published_at = page.first_published_at or now
                page.last_published_at = page.last_published_at or page.first_published_at
            else:
                page.live, page.has_unpublished_changes = False, True
        Page.objects.filter(pk=parent_id).update(numchild=F("numchild") + len(group))

    # What each page holds in memory, read before the pages have ids (and so before the managers
    # would start reading the database instead).
    children = [_child_rows_of(entry.page) for entry in entries]

    # The pages' rows in Page's own table first, for their ids; then each type's own columns.
    connection = connections[database]
    base_fields = [field for field in Page._meta.concrete_fields if not field.primary_key]
    pages = [entry.page for entry in entries]
    size = connection.ops.bulk_batch_size(base_fields, pages) or _BATCH
    for start in range(0, len(pages), min(size, _BATCH)):
        batch = pages[start : start + min(size, _BATCH)]
        rows = Page._base_manager._insert(
            batch, fields=base_fields, returning_fields=[Page._meta.pk], using=database
        )
        if not rows or len(rows) != len(batch):  # a database that cannot return inserted ids
            raise RuntimeError("pages_create_bulk needs a database that returns inserted ids")
        for page, (pk,) in zip(batch, rows, strict=True):
            page.pk = page.id = pk
            page._state.adding, page._state.db = False, database

    by_model: dict[type[Page], list[Page]] = {}
    for entry in entries:
        by_model.setdefault(type(entry.page), []).append(entry.page)
    for model, typed in by_model.items():
        fields = list(model._meta.local_concrete_fields)
        size = min(connection.ops.bulk_batch_size(fields, typed) or _BATCH, _BATCH)
        for start in range(0, len(typed), size):
            model._base_manager._insert(typed[start : start + size], fields=fields, using=database)

    child_rows: dict[type[models.Model], list[models.Model]] = {}
    for entry, (related, many) in zip(entries, children, strict=True):
        for child, attname in related:
            setattr(child, attname, entry.page.pk)
            child_rows.setdefault(type(child), []).append(child)
        for through, source, target, value in many:
            row = through(**{source: entry.page.pk, target: value})
            child_rows.setdefault(through, []).append(row)
    for model, objects in child_rows.items():
        model._base_manager.bulk_create(objects, batch_size=_BATCH)

    revisions = [
        Revision(
            content_type_id=entry.page.content_type_id,
            base_content_type_id=base_type.pk,
            object_id=str(entry.page.pk),
            created_at=now,
            content=entry.page.serializable_data(),
            object_str=str(entry.page),
        )
        for entry in entries
    ]
    Revision.objects.bulk_create(revisions, batch_size=_BATCH)
    for entry, revision in zip(entries, revisions, strict=True):
        entry.revision = revision
        entry.page.latest_revision_id = revision.pk
        if entry.publish:
            entry.page.live_revision_id = revision.pk
    # Each page now points at its revision (and a live one at it as its live revision): one
    # UPDATE per batch, the revision found by the index Wagtail keeps on a revision's object.
    own_revision = Subquery(
        Revision.objects.filter(
            base_content_type_id=base_type.pk, object_id=Cast(OuterRef("pk"), CharField())
        ).values("pk")[:1]
    )
    ids = [page.pk for page in pages]
    live_ids = [entry.page.pk for entry in entries if entry.publish]
    for start in range(0, len(ids), _BATCH):
        Page.objects.filter(pk__in=ids[start : start + _BATCH]).update(
            latest_revision_id=own_revision
        )
    for start in range(0, len(live_ids), _BATCH):
        Page.objects.filter(pk__in=live_ids[start : start + _BATCH]).update(
            live_revision_id=F("latest_revision_id")
        )

    history: list[PageLogEntry] = []
    for entry, revision in zip(entries, revisions, strict=True):
        action_id = uuid.uuid4()
        actions = ["wagtail.create", "wagtail.publish"] if entry.publish else ["wagtail.create"]
        history.extend(
            PageLogEntry(
                content_type_id=entry.page.content_type_id,
                label=entry.page.draft_title,
                action=action,
                data={},
                timestamp=now,
                uuid=action_id,
                page_id=entry.page.pk,
                revision_id=revision.pk if action == "wagtail.publish" else None,
                content_changed=True,
            )
            for action in actions
        )
    PageLogEntry.objects.bulk_create(history, batch_size=_BATCH)


# Rows per multi-row INSERT: well under SQLite's and PostgreSQL's limits on parameters per statement.
_BATCH = 500

ChildRow = tuple[models.Model, str]
ManyRow = tuple[type[models.Model], str, str, Any]


def _child_rows_of(page: Page) -> tuple[list[ChildRow], list[ManyRow]]:
    """Return an unsaved page's in-memory child objects (with the attribute naming the page) and
    its parental many-to-many values (through model, its two column names, the value's id)."""
    related: list[ChildRow] = []
    for relation in get_all_child_relations(page):
        name = relation.get_accessor_name()
        held = list(getattr(page, name).all())
        # Held in memory from now on, so nothing reads them from the database once the page has
        # an id (its revision's serialisation reads every child relation).
        setattr(page, name, held)
        related.extend((child, relation.field.attname) for child in held)
    many: list[ManyRow] = []
    for field in get_all_child_m2m_relations(page):
        through = field.remote_field.through
        source = f"{field.m2m_field_name()}_id"
        target = f"{field.m2m_reverse_field_name()}_id"
        many.extend(
            (through, source, target, value.pk) for value in getattr(page, field.name).all()
        )
    return related, many
