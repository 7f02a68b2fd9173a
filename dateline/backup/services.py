"""Back up a Dateline site into one archive and restore it, on SQLite and PostgreSQL alike.

The database goes in as rows, table by table, with their original primary keys, read inside one
snapshot (a read-only REPEATABLE READ transaction on PostgreSQL, a deferred read transaction on
SQLite, which does not block the editors' writes in WAL mode). Rows are engine-neutral, so a
SQLite site can be restored into PostgreSQL and back. A restore migrates the empty database to
the archive's migrations, loads every row as it was (no signals fire, ids are kept, so revisions,
renditions, redirects and Related News lists point where they did), then migrates on to this
release's migrations and rebuilds what is derived: both search indexes and the sequences.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import django
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Field, Model
from django.utils import timezone

from dateline.backup.archive import (
    DATA_PREFIX,
    FORMAT,
    VERSION,
    BackupError,
    archive_data,
    archive_media_extract,
    archive_verify,
    archive_write,
    media_files,
)
from dateline.search.services import search_index_rebuild

# Not backed up: sessions (a restore signs everyone out) and the search indexes, which are
# derived from the content and rebuilt after a restore (Wagtail's admin index and the readers').
EXCLUDED_MODELS = frozenset(
    {
        "sessions.session",
        "wagtailsearch.indexentry",
        "wagtailsearch.sqliteftsindexentry",
        "reader_search.searchdocument",
        "reader_search.searchterm",
    }
)
BATCH = 1000
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore carried: tables, rows, media files and bytes, and how long."""

    path: Path
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    seconds: float


def backed_up_models(registry: Apps | Any = global_apps) -> list[type[Model]]:
    """Return the models whose rows a backup holds: every concrete, managed table but the excluded."""
    return [
        model
        for model in registry.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED_MODELS
    ]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        raise TypeError("binary values are written by their field")
    raise TypeError(f"cannot write {type(value).__name__} into a backup")


def _field_value(obj: Model, field: Field[Any, Any]) -> Any:
    """Return a field's value as the archive stores it: primitives as they are, the rest as text."""
    value = field.value_from_object(obj)
    if value is None or isinstance(
        value, int | float | str | Decimal | dt.datetime | dt.date | dt.time
    ):
        return value
    return field.value_to_string(obj)


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """Read everything inside one consistent view of the database, without blocking writers."""
    if connection.vendor == "sqlite":
        mode = getattr(connection, "transaction_mode", None)
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = mode  # type: ignore[attr-defined]
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _migration_state() -> tuple[list[list[str]], list[list[str]]]:
    """Return the applied migrations and, per app, the last of them (the archive's targets)."""
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations or {})
    targets = []
    for node in sorted(applied):
        if node not in loader.graph.node_map:
            continue
        children = loader.graph.node_map[node].children
        if not any(child.key[0] == node[0] and child.key in applied for child in children):
            targets.append(list(node))
    return sorted(list(node) for node in applied), targets


def backup_create(*, path: Path, progress: Progress | None = None) -> BackupSummary:
    """Write one archive at `path` of the database (every table's rows) and the media folder."""
    started = time.monotonic()
    path = Path(path)
    if path.exists() and path.is_dir():
        raise BackupError(f"{path} is a folder: name the archive file to write (e.g. site.tar.gz)")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such folder")
    tables = []
    rows = 0
    with tempfile.TemporaryDirectory(prefix="dateline-backup-") as scratch, _snapshot():
        applied, targets = _migration_state()
        if not applied:
            raise BackupError("the database has no tables yet: nothing to back up (run migrate)")
        (Path(scratch) / DATA_PREFIX).mkdir()
        for model in backed_up_models():
            fields = list(model._meta.local_concrete_fields)
            name = f"{DATA_PREFIX}{model._meta.label}.jsonl"
            sha = hashlib.sha256()
            count = 0
            with open(Path(scratch) / name, "wb") as out:
                queryset = model._base_manager.order_by("pk").only(*[f.name for f in fields])
                for obj in queryset.iterator(chunk_size=BATCH):
                    line = json.dumps(
                        [_field_value(obj, field) for field in fields],
                        default=_encode,
                        ensure_ascii=False,
                    ).encode()
                    out.write(line + b"\n")
                    sha.update(line + b"\n")
                    count += 1
            tables.append(
                {
                    "model": model._meta.label,
                    "table": model._meta.db_table,
                    "columns": [field.attname for field in fields],
                    "rows": count,
                    "file": name,
                    "sha256": sha.hexdigest(),
                }
            )
            rows += count
            if progress is not None:
                progress(f"{model._meta.label}: {count} rows")
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": timezone.now().isoformat(),
            "django": django.get_version(),
            "database": connection.vendor,
            "migrations": applied,
            "targets": targets,
            "tables": tables,
        }
        media = archive_write(
            path, manifest=manifest, data_dir=Path(scratch), media_root=Path(settings.MEDIA_ROOT)
        )
    return BackupSummary(
        path=path,
        tables=len(tables),
        rows=rows,
        media_files=media.files,
        media_bytes=media.bytes,
        seconds=time.monotonic() - started,
    )


def _table_names() -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def database_contents() -> list[str]:
    """Return what the database already holds that a restore would replace (empty: nothing).

    A database that was only migrated is empty: its root page, default site and content types
    come from the migrations, and the restore replaces them with the archive's.
    """
    tables = set(_table_names())
    if "django_migrations" not in tables:
        return []
    checks = [
        ("auth_user", "user accounts", ""),
        ("wagtailcore_page", "pages", " WHERE depth > 2"),
        ("wagtailcore_revision", "revisions", ""),
        ("wagtailimages_image", "images", ""),
        ("wagtaildocs_document", "documents", ""),
    ]
    found = []
    with connection.cursor() as cursor:
        for table, what, where in checks:
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}{where}")  # noqa: S608 (identifiers quoted from model metadata; values are params)
                (count,) = cursor.fetchone()
                if count:
                    found.append(f"{count} {what}")
    return found


def media_contents(root: Path) -> int:
    """Return how many files the media folder holds."""
    return sum(1 for _ in media_files(root))


def _tables_drop() -> None:
    """Drop every table of the database (a forced restore over another migration state)."""
    names = _table_names()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if names:
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, names))} CASCADE")
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        virtual = [name for (name,) in cursor.fetchall()]
        cursor.execute("PRAGMA foreign_keys = OFF")
        for name in [*virtual, *[n for n in names if n not in virtual]]:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        cursor.execute("PRAGMA foreign_keys = ON")


def _flush() -> None:
    """Delete every row the migrations wrote (content types, root page, site): the archive's replace them."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=False, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _rows_load(
    path: Path, manifest: dict[str, Any], registry: Apps, progress: Progress | None
) -> int:
    """Insert every archived row into its table, as it was (ids kept, no signals sent)."""
    by_file = {table["file"]: table for table in manifest["tables"]}
    quote = connection.ops.quote_name
    total = 0
    for name, rows in archive_data(path):
        table = by_file[name]
        try:
            model = registry.get_model(table["model"])
        except LookupError as error:
            raise BackupError(f"the archive holds {table['model']}, unknown here") from error
        fields_by_attname = {field.attname: field for field in model._meta.local_concrete_fields}
        missing = [column for column in table["columns"] if column not in fields_by_attname]
        if missing:
            raise BackupError(
                f"{table['model']}: the archive's columns {missing} are not in its migrations"
            )
        fields = [fields_by_attname[column] for column in table["columns"]]
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (identifiers quoted from model metadata; values are params)
            f"({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        batch: list[list[Any]] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(
                    [
                        field.get_db_prep_save(field.to_python(value), connection)
                        for field, value in zip(fields, row, strict=True)
                    ]
                )
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        total += table["rows"]
        if progress is not None:
            progress(f"{table['model']}: {table['rows']} rows")
    return total


def _sequences_reset() -> None:
    """Move every id sequence past the restored rows (PostgreSQL; SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def backup_restore(
    *, path: Path, force: bool = False, progress: Progress | None = None
) -> BackupSummary:
    """Restore the archive at `path` into this install's database and media folder.

    Refuses a database or media folder that already holds content unless `force`, which replaces
    it. The archive is read whole and checked first, so a damaged one changes nothing.
    """
    started = time.monotonic()
    path = Path(path)
    manifest = archive_verify(path)
    # A new data folder may not exist yet: SQLite creates its file there.
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    held = database_contents()
    files = media_contents(media_root)
    if (held or files) and not force:
        what = ", ".join([*held, *([f"{files} media files in {media_root}"] if files else [])])
        raise BackupError(
            f"refusing to restore over a site that holds content ({what}): restore into an empty "
            "database and data folder, or pass --force to replace everything in them"
        )
    executor = MigrationExecutor(connection)
    archived = {tuple(node) for node in manifest["migrations"]}
    unknown = sorted(archived - set(executor.loader.disk_migrations))
    if unknown:
        app, migration = unknown[0]
        raise BackupError(
            f"the archive was made by a newer Dateline: its migration {app}.{migration} (and "
            f"{len(unknown) - 1} more) is unknown here; restore it with that release or a later one"
        )
    targets = [tuple(node) for node in manifest["targets"]]
    if set(executor.loader.applied_migrations or {}) != archived:
        _tables_drop()
        executor = MigrationExecutor(connection)
        if progress is not None:
            progress("migrating the empty database to the archive's migrations")
        executor.migrate(targets)
    registry = executor.loader.project_state(targets).apps
    with transaction.atomic():
        _flush()
        rows = _rows_load(path, manifest, registry, progress)
    call_command("migrate", interactive=False, verbosity=0)
    _sequences_reset()
    ContentType.objects.clear_cache()
    if progress is not None:
        progress("restoring media")
    if files:
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    media = archive_media_extract(path, media_root)
    if progress is not None:
        progress("rebuilding the search indexes")
    search_index_rebuild()
    call_command("update_index", verbosity=0)
    for alias in settings.CACHES:
        caches[alias].clear()
    return BackupSummary(
        path=path,
        tables=len(manifest["tables"]),
        rows=rows,
        media_files=media,
        media_bytes=int(manifest["media"]["bytes"]),
        seconds=time.monotonic() - started,
    )
