"""The database's full-text engine behind the reader search: PostgreSQL's or SQLite's FTS5.

PostgreSQL: a `tsvector` column on the document table, weighted (headline A; standfirst, bylines
and tags B; body C), built with the site language's text search configuration (stemming), with a
GIN index; queries are `plainto_tsquery` (every word, stemmed), ranked by `ts_rank_cd`.
SQLite: an FTS5 table with the Porter stemmer and diacritics removed, ranked by `bm25` with the
same column weights. Text is folded to plain letters first ("Tomás" is found by "Tomas" and the
other way round), on both. Nothing here knows Wagtail or pages: it stores and finds documents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from dateline.search.models import SearchDocument

DOCUMENTS = SearchDocument._meta.db_table
FTS = f"{DOCUMENTS}_fts"
# Column weights: headline, standfirst, bylines, tags, body (bm25 on SQLite; A-C on PostgreSQL).
BM25_WEIGHTS = (10.0, 4.0, 6.0, 6.0, 1.0)


def fold(text: str) -> str:
    """Return `text` with accents removed ("Tomás" -> "Tomas"), so either spelling finds both."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def text_search_config() -> str:
    """Return PostgreSQL's text search configuration for the site's language (stemming, stop words)."""
    return settings.DATELINE_SEARCH_LANGUAGE


def schema_create(schema_editor: Any) -> None:
    """Create what the engine needs beside the document table (run by this app's migration)."""
    db = schema_editor.connection
    vendor = db.vendor
    with db.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
                "title, standfirst, people, tags, body, "
                "tokenize = 'porter unicode61 remove_diacritics 2')"
            )
        elif vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {DOCUMENTS} ADD COLUMN IF NOT EXISTS vector tsvector")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {DOCUMENTS}_vector ON {DOCUMENTS} USING gin (vector)"
            )


def schema_drop(schema_editor: Any) -> None:
    """Remove what `schema_create` made (the migration's reverse)."""
    db = schema_editor.connection
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif db.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS vector")


def _columns(document: SearchDocument) -> list[str]:
    return [
        fold(value)
        for value in (
            document.title,
            document.standfirst,
            document.people,
            document.tags,
            document.body,
        )
    ]


def documents_write(documents: Sequence[SearchDocument]) -> None:
    """Index `documents` (already saved as rows) in the full-text engine, replacing older copies."""
    if not documents:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            delete = f"DELETE FROM {FTS} WHERE rowid = %s"  # noqa: S608 (a constant table; ids are params)
            cursor.executemany(delete, [(doc.pk,) for doc in documents])
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, title, standfirst, people, tags, body) "  # noqa: S608 (table names are constants; words are params)
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [(doc.pk, *_columns(doc)) for doc in documents],
            )
        elif connection.vendor == "postgresql":
            config = text_search_config()
            cursor.executemany(
                f"UPDATE {DOCUMENTS} SET vector = "  # noqa: S608 (table names are constants; words are params)
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, %s || ' ' || %s || ' ' || %s), 'B') || "
                "setweight(to_tsvector(%s::regconfig, %s), 'C') WHERE page_id = %s",
                [
                    (config, title, config, standfirst, people, tags, config, body, doc.pk)
                    for doc in documents
                    for title, standfirst, people, tags, body in [_columns(doc)]
                ],
            )


def documents_unindex(ids: Sequence[int]) -> None:
    """Remove documents from the full-text engine (their rows are deleted by the caller)."""
    if ids and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS} WHERE rowid = %s", [(pk,) for pk in ids])  # noqa: S608 (table names are constants; words are params)


def index_clear() -> None:
    """Empty the full-text engine (before a rebuild)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS}")  # noqa: S608 (table names are constants; words are params)


def _match(words: Sequence[str]) -> str:
    # Each word quoted: FTS5 reads it as a term (stemmed by the table's tokenizer), never as syntax.
    return " AND ".join(f'"{word}"' for word in words)


def documents_count(*, words: Sequence[str]) -> int:
    """Return how many documents contain every one of `words` (stemmed, accents ignored)."""
    words = [fold(word) for word in words if word]
    if not words:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH %s", [_match(words)])  # noqa: S608 (table names are constants; words are params)
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT count(*) FROM {DOCUMENTS} "  # noqa: S608 (table names are constants; words are params)
                "WHERE vector @@ plainto_tsquery(%s::regconfig, %s)",
                [text_search_config(), " ".join(words)],
            )
        else:
            return _documents_plain(words).count()
        return int(cursor.fetchone()[0])


def documents_ids(*, words: Sequence[str], by_date: bool, offset: int, limit: int) -> list[int]:
    """Return the ids of one page of the documents containing every one of `words`, best first
    (headline matches outweigh body ones) or newest first.

    `words` must be plain words (the selectors strip everything else), so they are never syntax.
    """
    words = [fold(word) for word in words if word]
    if not words or limit <= 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
            order = "d.published_at DESC, d.page_id DESC" if by_date else f"bm25({FTS}, {weights})"
            cursor.execute(
                f"SELECT f.rowid FROM {FTS} f JOIN {DOCUMENTS} d ON d.page_id = f.rowid "  # noqa: S608 (table names are constants; words are params)
                f"WHERE {FTS} MATCH %s ORDER BY {order} LIMIT %s OFFSET %s",
                [_match(words), limit, offset],
            )
        elif connection.vendor == "postgresql":
            query = "plainto_tsquery(%s::regconfig, %s)"
            config, text = text_search_config(), " ".join(words)
            order = (
                "published_at DESC, page_id DESC"
                if by_date
                else f"ts_rank_cd(vector, {query}) DESC, published_at DESC"
            )
            params = [config, text] + ([] if by_date else [config, text])
            cursor.execute(
                f"SELECT page_id FROM {DOCUMENTS} WHERE vector @@ {query} "  # noqa: S608 (table names are constants; words are params)
                f"ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
        else:  # another database: no full-text engine, a plain containment search
            ordered = _documents_plain(words).order_by("-published_at", "-pk")
            return list(ordered.values_list("pk", flat=True)[offset : offset + limit])
        return [row[0] for row in cursor.fetchall()]


def _documents_plain(words: Sequence[str]) -> QuerySet[SearchDocument]:
    found = SearchDocument.objects.all()
    for word in words:
        found = found.filter(Q(body__icontains=word) | Q(title__icontains=word))
    return found
