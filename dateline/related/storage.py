"""Bulk writes of the engine's tables in plain SQL: stored lists, rows by the thousand, indexes.

The publish path replaces a few lists at a time (`links_write`); a rebuild writes a whole archive's
rows, which is why these go to the driver directly rather than row by row through the ORM.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator, Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from dateline.core.cachetags import cache_tags_purge, related_list_tag
from dateline.related.models import RelatedLink
from dateline.related.ranking import Entry

# What the rows written here hold: values the database drivers adapt themselves.
SqlValue = bool | int | float | str | bytes | dt.datetime | None
Row = tuple[SqlValue, ...]
# One stored-list row: article, related story, rank, score, reasons (JSON), pinned, its SimHash.
LinkRow = tuple[int, int, int, float, str, bool, int]
LINK_COLUMNS = (
    "article_id",
    "related_id",
    "rank",
    "score",
    "reasons",
    "pinned",
    "related_simhash",
)


def rows_execute(sql: str, rows: Sequence[Row]) -> None:
    """Run one statement for each row (nothing when there are none)."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def link_row(article_id: int, rank: int, entry: Entry) -> LinkRow:
    """Return one stored-list row: the columns `links_write` and the rebuild insert, in order."""
    return (
        article_id,
        entry.related_id,
        rank,
        entry.score,
        json.dumps(entry.reasons),
        bool(entry.reasons.get("pinned")),
        entry.simhash,
    )


def links_write(lists: dict[int, list[Entry]], *, purge: bool = True) -> None:
    """Replace the stored lists of the given articles, and have the pages showing them purged.

    `purge` False: the caller knows those pages are purged anyway (a story's own list, written in
    the transaction that publishes it, whose purge covers its page).
    """
    ids = list(lists)
    if purge:
        cache_tags_purge(related_list_tag(pk) for pk in ids)
    for start in range(0, len(ids), 500):
        RelatedLink.objects.filter(article_id__in=ids[start : start + 500]).delete()
    table = RelatedLink._meta.db_table
    rows = [
        link_row(article_id, rank, entry)
        for article_id, entries in lists.items()
        for rank, entry in enumerate(entries, start=1)
    ]
    rows_execute(
        f"INSERT INTO {table} ({', '.join(LINK_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608 (table and columns from code; values are params)
        rows,
    )


def rows_insert(table: str, columns: tuple[str, ...], rows: Sequence[Row]) -> None:
    """Insert many rows at once: COPY on PostgreSQL, one prepared statement on SQLite.

    Rows are written as given (dates already in the database's form, see `db_datetime`), straight
    through the driver: Django's per-row parameter handling costs more than SQLite's insert.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s" if connection.vendor != "sqlite" else "?"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (table and columns from code; values are params)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.executemany(sql, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def db_datetime(when: dt.datetime, *, sqlite: bool) -> dt.datetime | str:
    """Return a date as the rebuild writes it: SQLite's stored text (UTC, as Django writes it)."""
    if not sqlite:
        return when
    return str(timezone.make_naive(when, dt.UTC) if timezone.is_aware(when) else when)


@contextlib.contextmanager
def indexes_deferred(models: list[type[Model]], *, defer: bool) -> Iterator[None]:
    """Drop the models' secondary indexes for a bulk load into empty tables, and build them after.

    Building an index once over sorted keys is much faster than growing it row by row. With
    `defer` False (tables already hold rows) nothing is dropped. Either way every index exists
    afterwards, even when an earlier run was killed between the two steps.
    """
    # The editor is only used to write the SQL (SQLite refuses to enter one inside a transaction).
    editor = connection.schema_editor(atomic=False)
    editor.deferred_sql = []
    if defer:
        with connection.cursor() as cursor:
            for model in models:
                for index in model._meta.indexes:
                    cursor.execute(str(index.remove_sql(model, editor)))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                existing = set(connection.introspection.get_constraints(cursor, table))
                for index in model._meta.indexes:
                    if index.name not in existing:
                        cursor.execute(str(index.create_sql(model, editor)))


def rows_delete(table: str, column: str, ids: list[int]) -> None:
    """Delete the rows of `table` whose `column` is one of `ids`, in batches the databases accept."""
    with connection.cursor() as cursor:
        for begin in range(0, len(ids), 900):
            part = ids[begin : begin + 900]
            marks = ", ".join(["%s"] * len(part))
            sql = f"DELETE FROM {table} WHERE {column} IN ({marks})"  # noqa: S608 (names from code; values are params)
            cursor.execute(sql, part)


def table_clear(model: type[Model]) -> None:
    """Delete every row of the model's table in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (table and columns from code; values are params)
