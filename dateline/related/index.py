"""The inverted index the publish path searches, and the archive's document frequencies.

Each profiled article posts its strongest features (`RelatedPosting`, with its date and weight); a
publish finds its candidates by reading, for each of its own strongest features, the heaviest postings
inside the age window (`candidates_find`). `RelatedTerm` counts how many profiled articles carry each
feature, which the weights' idf is computed from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import F

from dateline.related import semantic
from dateline.related.config import window_days
from dateline.related.models import RelatedPosting, RelatedProfile, RelatedTerm
from dateline.related.ranking import Entry, entry_scored
from dateline.related.storage import SqlValue


def key_features(vector: dict[str, float], *, factor: int = 1) -> list[tuple[str, float]]:
    """Return the features of a vector that go into the inverted index, strongest first.

    Ties are broken by name so every database and process picks the same features.
    """
    ranked = sorted(vector.items(), key=lambda item: (-item[1], item[0]))
    return ranked[: settings.DATELINE_RELATED_INDEX_TERMS * factor]


def _days(a: dt.datetime, b: dt.datetime) -> float:
    return abs((a - b).total_seconds()) / 86400.0


def _embedding_similarity(a: np.ndarray | None, b: bytes | memoryview | None) -> float | None:
    """Return the cosine of two stories' embeddings, or None when either has none."""
    if a is None:
        return None
    other = semantic.embedding_from_bytes(b)
    return None if other is None else float(a @ other)


def candidates_find(
    *,
    vector: dict[str, float],
    published_at: dt.datetime,
    exclude: int,
    embedding: np.ndarray | None = None,
) -> list[tuple[Entry, RelatedProfile]]:
    """Find the stories most related to `vector` through the inverted index, scored exactly.

    One query: each of the vector's strongest features reads its heaviest postings inside the age
    window, the database adds up the partial dot products, and the best-scoring stories are then
    rescored with their full vectors by `engine.score` (and, given the story's `embedding`, with
    the semantic blend).
    """
    if not vector:
        return []
    window = window_days()
    cap = settings.DATELINE_RELATED_POSTINGS_PER_TERM
    table = RelatedPosting._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    span = dt.timedelta(days=window)
    branches: list[str] = []
    params: list[SqlValue] = []
    # Read more features than each article indexes, so two stories that share a feature meet
    # even when it is among the strongest of only one of them.
    features = key_features(vector, factor=settings.DATELINE_RELATED_QUERY_FACTOR)
    for number, (term, weight) in enumerate(features):
        where = "term = %s"
        params.extend([weight, term])
        if window:
            where += " AND published_at >= %s AND published_at <= %s"
            params.extend([adapt(published_at - span), adapt(published_at + span)])
        branches.append(
            f"SELECT * FROM (SELECT article_id, weight * %s AS part FROM {table} WHERE {where} "  # noqa: S608 (table and int limits from code; terms are params)
            f"ORDER BY weight DESC LIMIT {int(cap)}) AS branch{number}"
        )
    sql = (
        f"SELECT article_id, SUM(part) AS partial FROM ({' UNION ALL '.join(branches)}) AS hits "  # noqa: S608 (table and int limits from code; terms are params)
        "WHERE article_id <> %s GROUP BY article_id ORDER BY partial DESC, article_id "
        f"LIMIT {int(settings.DATELINE_RELATED_CANDIDATES)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, exclude])
        chosen = [row[0] for row in cursor.fetchall()]
    out = []
    fields = ["article_id", "vector", "simhash", "published_at", "floor"]
    if embedding is not None:
        fields.append("embedding")
    for profile in RelatedProfile.objects.filter(pk__in=chosen).only(*fields):
        entry = entry_scored(
            related_id=profile.article_id,
            a=vector,
            b=profile.vector,
            days=_days(published_at, profile.published_at),
            simhash=profile.simhash,
            semantic=_embedding_similarity(
                embedding, profile.embedding if embedding is not None else None
            ),
        )
        if entry.score > 0:
            out.append((entry, profile))
    out.sort(key=lambda pair: (-pair[0].score, pair[0].related_id))
    return out


def postings_write(article_id: int, vector: dict[str, float], published_at: dt.datetime) -> None:
    """Replace the article's postings with its `key_features`."""
    RelatedPosting.objects.filter(article_id=article_id).delete()
    RelatedPosting.objects.bulk_create(
        RelatedPosting(term=term, article_id=article_id, published_at=published_at, weight=weight)
        for term, weight in key_features(vector)
    )


def document_frequencies(features: Iterable[str]) -> dict[str, int]:
    """Return the stored document frequency of each of `features` that the archive has seen."""
    features = list(features)
    out: dict[str, int] = {}
    for start in range(0, len(features), 500):
        out.update(
            RelatedTerm.objects.filter(term__in=features[start : start + 500]).values_list(
                "term", "df"
            )
        )
    return out


def document_frequencies_add(features: list[str], df: dict[str, int]) -> None:
    """Count a newly profiled story in the stored frequencies of its `features`, and in `df`.

    `df` holds what `document_frequencies` read for these features; it is brought up to date too,
    so the story's own weights are computed with itself counted.
    """
    RelatedTerm.objects.bulk_create(
        [RelatedTerm(term=f[:255], df=0) for f in features if f not in df],
        ignore_conflicts=True,
    )
    for start in range(0, len(features), 500):
        RelatedTerm.objects.filter(term__in=features[start : start + 500]).update(df=F("df") + 1)
    for f in features:
        df[f] = df.get(f, 0) + 1


def document_frequencies_remove(features: list[str]) -> None:
    """Stop counting a withdrawn story in the stored frequencies of its `features`."""
    for start in range(0, len(features), 500):
        RelatedTerm.objects.filter(term__in=features[start : start + 500], df__gt=0).update(
            df=F("df") - 1
        )
