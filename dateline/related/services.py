"""Writes of the Related News engine: profiles, stored lists, both-direction updates, rebuilds, choices.

Publishing an article profiles it, finds its candidates through the inverted index (its strongest
features, within the age window), stores its own list, and inserts it into the lists of the stories it
now outranks (both directions). Unpublishing or deleting it removes it everywhere and refills the lists
that held it. A rebuild recomputes everything with exact search over the whole archive.

In semantic mode (`related_mode()`), each profile also stores the story's embedding, and candidates
found through the lexical index are re-ranked with `engine.blend` of the two similarities.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import json
import logging
import multiprocessing
import os
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from dateline.newsroom.models import ArticlePage, ArticlePageTag
from dateline.related import engine, semantic
from dateline.related.models import (
    RelatedChoice,
    RelatedLink,
    RelatedPosting,
    RelatedProfile,
    RelatedTerm,
)

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

logger = logging.getLogger(__name__)

# How many stories of each list the database holds: a little more than readers see, so that lists
# can be trimmed by the selector's `limit` without another computation.
SPARE = 1


def stored_limit() -> int:
    """Return how many related stories are stored per article."""
    return max(1, settings.DATELINE_RELATED_LIMIT + SPARE)


def related_mode() -> str:
    """Return the mode the engine runs in, "semantic" or "lexical", from DATELINE_RELATED_MODE.

    auto (the default) is semantic when the packaged model is installed; see `semantic.mode_resolve`.
    """
    return semantic.mode_resolve(settings.DATELINE_RELATED_MODE)


def window_days() -> int:
    """Return the age window in days (0 = no window)."""
    return settings.DATELINE_RELATED_WINDOW_DAYS


@dataclass
class Entry:
    """A candidate for an article's list: the story, its score, why, and its text fingerprint."""

    related_id: int
    score: float
    cosine: float
    simhash: int
    reasons: dict = field(default_factory=dict)
    semantic: float | None = None


@dataclass
class ArchiveItem:
    """One story to profile: its id, what the engine reads, and its date."""

    article_id: int
    story: engine.Story
    published_at: dt.datetime


# --- Reading articles -------------------------------------------------------------------------------


def _stream_text(raw: object) -> Iterator[str]:
    """Yield every string inside StreamField data (paragraphs, quotes, captions...)."""
    if isinstance(raw, str):
        yield raw
    elif isinstance(raw, dict):
        for key, value in raw.items():
            if key not in ("type", "id", "url", "embed", "image", "alt_text"):
                yield from _stream_text(value)
    elif isinstance(raw, list | tuple):
        for value in raw:
            yield from _stream_text(value)


def body_text(body: object) -> str:
    """Return the plain text of an article body (StreamValue, JSON string or raw data)."""
    raw = getattr(body, "raw_data", body)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return engine.text_clean(raw)
    try:
        return engine.text_clean(" ".join(_stream_text(list(raw) if raw is not None else [])))
    except TypeError:
        return ""


def _article_date(article: ArticlePage) -> dt.datetime:
    return article.published_at or article.first_published_at or timezone.now()


def article_items(*, ids: Iterable[int] | None = None) -> list[ArchiveItem]:
    """Return the engine's view of the live, public articles (all, or those in `ids`), in 4 queries."""
    pages = ArticlePage.objects.live().public()
    if ids is not None:
        pages = pages.filter(pk__in=list(ids))
    rows = list(
        pages.values_list(
            "pk", "title", "standfirst", "body", "path", "published_at", "first_published_at"
        )
    )
    pks = [row[0] for row in rows]
    tags: dict[int, list[str]] = {}
    for pk, name in ArticlePageTag.objects.filter(content_object_id__in=pks).values_list(
        "content_object_id", "tag__name"
    ):
        tags.setdefault(pk, []).append(name)
    sections: dict[int, list[int]] = {}
    through = ArticlePage.additional_sections.through
    for pk, section_id in through.objects.filter(articlepage_id__in=pks).values_list(
        "articlepage_id", "sectionpage_id"
    ):
        sections.setdefault(pk, []).append(section_id)
    parent_ids = dict(
        Page.objects.filter(
            path__in={row[4][: -Page.steplen] for row in rows if len(row[4]) > Page.steplen}
        ).values_list("path", "pk")
    )
    items = []
    for pk, title, standfirst, body, path_, published_at, first_published_at in rows:
        parent = parent_ids.get(path_[: -Page.steplen])
        story = engine.Story(
            headline=title,
            standfirst=standfirst,
            body=body_text(body),
            tags=tags.get(pk, []),
            sections=[s for s in [parent, *sections.get(pk, [])] if s is not None],
        )
        items.append(ArchiveItem(pk, story, published_at or first_published_at or timezone.now()))
    return items


# --- Scoring helpers -------------------------------------------------------------------------------


def _key_features(vector: dict[str, float], *, factor: int = 1) -> list[tuple[str, float]]:
    """Return the features of a vector that go into the inverted index, strongest first.

    Ties are broken by name so every database and process picks the same features.
    """
    ranked = sorted(vector.items(), key=lambda item: (-item[1], item[0]))
    return ranked[: settings.DATELINE_RELATED_INDEX_TERMS * factor]


def _days(a: dt.datetime, b: dt.datetime) -> float:
    return abs((a - b).total_seconds()) / 86400.0


def _entry(
    *,
    related_id: int,
    a: dict,
    b: dict,
    days: float,
    simhash: int,
    cosine: float | None = None,
    semantic: float | None = None,
) -> Entry:
    cos = engine.cosine(a, b) if cosine is None else cosine
    factor = engine.time_factor(days_apart=days, window_days=window_days())
    similarity = float(engine.blend(cos, semantic))
    # The shared names and terms are worked out when an editor asks (selectors.related_explained).
    why = {"days_apart": round(days), "text_similarity": round(cos, 4)}
    if semantic is not None:
        why["semantic_similarity"] = round(semantic, 4)
    return Entry(related_id, round(similarity * factor, 6), cos, simhash, why, semantic)


def _semantic(a: np.ndarray | None, b: bytes | memoryview | None) -> float | None:
    """Return the cosine of two stories' embeddings, or None when either has none."""
    if a is None:
        return None
    other = semantic.embedding_from_bytes(b)
    return None if other is None else float(a @ other)


def _candidates(
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
    branches, params = [], []
    # Read more features than each article indexes, so two stories that share a feature meet
    # even when it is among the strongest of only one of them.
    features = _key_features(vector, factor=settings.DATELINE_RELATED_QUERY_FACTOR)
    for number, (term, weight) in enumerate(features):
        where = "term = %s"
        params.extend([weight, term])
        if window:
            where += " AND published_at >= %s AND published_at <= %s"
            params.extend([adapt(published_at - span), adapt(published_at + span)])
        branches.append(
            f"SELECT * FROM (SELECT article_id, weight * %s AS part FROM {table} WHERE {where} "
            f"ORDER BY weight DESC LIMIT {int(cap)}) AS branch{number}"
        )
    sql = (
        f"SELECT article_id, SUM(part) AS partial FROM ({' UNION ALL '.join(branches)}) AS hits "
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
        entry = _entry(
            related_id=profile.article_id,
            a=vector,
            b=profile.vector,
            days=_days(published_at, profile.published_at),
            simhash=profile.simhash,
            semantic=_semantic(embedding, profile.embedding if embedding is not None else None),
        )
        if entry.score > 0:
            out.append((entry, profile))
    out.sort(key=lambda pair: (-pair[0].score, pair[0].related_id))
    return out


def _min_score(entry: Entry) -> float:
    """Return the weakest score shown for this entry: semantic mode's minimum for a blended score."""
    return engine.min_score(
        semantic=entry.semantic,
        lexical_minimum=settings.DATELINE_RELATED_MIN_SCORE,
        semantic_minimum=settings.DATELINE_RELATED_MIN_SCORE_SEMANTIC,
    )


def _rank(
    *,
    own_simhash: int,
    entries: list[Entry],
    pins: list[int],
    excluded: set[int],
    article_id: int,
    limit: int,
) -> tuple[list[Entry], float]:
    """Order one list: the editors' pins first, then the best automatic entries, copies skipped.

    Return the list and its floor (the lowest automatic score when the list is full, else 0).
    """
    by_id = {entry.related_id: entry for entry in entries}
    chosen: list[Entry] = []
    for pk in pins:
        if pk == article_id or pk in excluded:
            continue
        entry = by_id.get(pk) or Entry(pk, 0.0, 0.0, 0)
        entry.reasons = {**entry.reasons, "pinned": True}
        chosen.append(entry)
    pinned = {entry.related_id for entry in chosen}
    automatic = 0
    floor = 0.0
    for entry in sorted(entries, key=lambda e: (-e.score, e.related_id)):
        if len(chosen) >= limit:
            break
        if (
            entry.related_id in pinned
            or entry.related_id in excluded
            or entry.related_id == article_id
            or entry.score < _min_score(entry)
            or entry.cosine >= engine.DUPLICATE_TEXT_SIMILARITY
            or engine.near_duplicates(entry.simhash, own_simhash)
            or any(engine.near_duplicates(entry.simhash, other.simhash) for other in chosen)
        ):
            continue
        chosen.append(entry)
        automatic += 1
        floor = entry.score
    if len(chosen) < limit:
        floor = 0.0
    return chosen, floor


def _choices(
    article_ids: Iterable[int] | None, *, live: set[int] | None = None
) -> tuple[dict[int, list[int]], dict[int, set[int]]]:
    """Return the editors' pins (in order, live stories only) and exclusions per article.

    `article_ids` None reads every article's choices (a rebuild); `live` is the set of live story
    ids when the caller knows it, otherwise the stored profiles say which stories are live.
    """
    pins: dict[int, list[int]] = {}
    excluded: dict[int, set[int]] = {}
    choices = RelatedChoice.objects.order_by("created_at", "pk")
    if article_ids is not None:
        choices = choices.filter(article_id__in=list(article_ids))
    rows = list(choices.values_list("article_id", "related_id", "action"))
    if not rows:
        return pins, excluded
    if live is None:
        live = set(
            RelatedProfile.objects.filter(
                pk__in={related for _, related, action in rows if action == RelatedChoice.PIN}
            ).values_list("pk", flat=True)
        )
    for article_id, related_id, action in rows:
        if action == RelatedChoice.EXCLUDE:
            excluded.setdefault(article_id, set()).add(related_id)
        elif related_id in live:
            pins.setdefault(article_id, []).append(related_id)
    return pins, excluded


# --- Writing lists ---------------------------------------------------------------------------------


def _executemany(sql: str, rows: list[tuple]) -> None:
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _link_row(article_id: int, rank: int, entry: Entry) -> tuple:
    """Return one stored-list row: the columns `_links_write` and the rebuild insert, in order."""
    return (
        article_id,
        entry.related_id,
        rank,
        entry.score,
        json.dumps(entry.reasons),
        bool(entry.reasons.get("pinned")),
        entry.simhash,
    )


def _links_write(lists: dict[int, list[Entry]]) -> None:
    """Replace the stored lists of the given articles."""
    ids = list(lists)
    for start in range(0, len(ids), 500):
        RelatedLink.objects.filter(article_id__in=ids[start : start + 500]).delete()
    table = RelatedLink._meta.db_table
    rows = [
        _link_row(article_id, rank, entry)
        for article_id, entries in lists.items()
        for rank, entry in enumerate(entries, start=1)
    ]
    _executemany(
        f"INSERT INTO {table} (article_id, related_id, rank, score, reasons, pinned, "
        "related_simhash) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        rows,
    )


def _postings_write(article_id: int, vector: dict, published_at: dt.datetime) -> None:
    RelatedPosting.objects.filter(article_id=article_id).delete()
    RelatedPosting.objects.bulk_create(
        RelatedPosting(term=term, article_id=article_id, published_at=published_at, weight=weight)
        for term, weight in _key_features(vector)
    )


def _df_for(features: Iterable[str]) -> dict[str, int]:
    features = list(features)
    out: dict[str, int] = {}
    for start in range(0, len(features), 500):
        out.update(
            RelatedTerm.objects.filter(term__in=features[start : start + 500]).values_list(
                "term", "df"
            )
        )
    return out


def _list_recompute(profiles: list[RelatedProfile], *, skip: int | None = None) -> None:
    """Recompute the lists of the given profiled articles from scratch (never listing `skip`)."""
    if not profiles:
        return
    pins, excluded = _choices(p.article_id for p in profiles)
    lists: dict[int, list[Entry]] = {}
    floors: list[RelatedProfile] = []
    for profile in profiles:
        found = [
            entry
            for entry, _ in _candidates(
                vector=profile.vector,
                published_at=profile.published_at,
                exclude=profile.article_id,
                embedding=semantic.embedding_from_bytes(profile.embedding),
            )
            if entry.related_id != skip
        ]
        entries, profile.floor = _rank(
            own_simhash=profile.simhash,
            entries=found,
            pins=[pk for pk in pins.get(profile.article_id, []) if pk != skip],
            excluded=excluded.get(profile.article_id, set()),
            article_id=profile.article_id,
            limit=stored_limit(),
        )
        lists[profile.article_id] = entries
        floors.append(profile)
    _links_write(lists)
    RelatedProfile.objects.bulk_update(floors, ["floor"])


@dataclass
class RefreshSummary:
    """What one publish or unpublish changed."""

    article_id: int
    own: int = 0
    inserted_into: int = 0
    refilled: int = 0
    removed: bool = False


@transaction.atomic
def related_article_refresh(*, article_id: int) -> RefreshSummary:
    """Profile a published article, store its list, and update the lists it now belongs in.

    Called on every publish (and edit-and-publish). An article that is not live and public is
    withdrawn instead.
    """
    items = article_items(ids=[article_id])
    if not items:
        return related_article_withdraw(article_id=article_id)
    item = items[0]
    summary = RefreshSummary(article_id=article_id)
    profile_counts = engine.story_profile(item.story)
    previous = RelatedProfile.objects.filter(pk=article_id).first()
    documents = RelatedProfile.objects.count() + (0 if previous else 1)
    df = _df_for(profile_counts.counts)
    if previous is None:
        # A new story joins the archive's statistics; edits leave them to the next rebuild.
        features = list(profile_counts.counts)
        RelatedTerm.objects.bulk_create(
            [RelatedTerm(term=f[:255], df=0) for f in features if f not in df],
            ignore_conflicts=True,
        )
        for start in range(0, len(features), 500):
            RelatedTerm.objects.filter(term__in=features[start : start + 500]).update(
                df=F("df") + 1
            )
        for f in features:
            df[f] = df.get(f, 0) + 1
    vector = engine.profile_vector(profile_counts, df=df, documents=documents)
    mode = related_mode()
    embedding, key = (
        _story_embedding(item.story, previous) if mode == engine.SEMANTIC else (None, "")
    )
    profile, _ = RelatedProfile.objects.update_or_create(
        pk=article_id,
        defaults={
            "published_at": item.published_at,
            "vector": vector,
            "simhash": profile_counts.simhash,
            "mode": mode,
            "embedding": None if embedding is None else semantic.embedding_to_bytes(embedding),
            "embedding_key": key,
        },
    )
    _postings_write(article_id, vector, item.published_at)

    found = _candidates(
        vector=vector, published_at=item.published_at, exclude=article_id, embedding=embedding
    )
    pins, excluded = _choices([article_id])
    own, profile.floor = _rank(
        own_simhash=profile.simhash,
        entries=[entry for entry, _ in found],
        pins=pins.get(article_id, []),
        excluded=excluded.get(article_id, set()),
        article_id=article_id,
        limit=stored_limit(),
    )
    _links_write({article_id: own})
    profile.save(update_fields=["floor"])
    summary.own = len(own)

    # The other direction: lists this story now outranks an entry of, and lists that held it.
    holders = set(
        RelatedLink.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    entering = {
        other.article_id: (entry, other)
        for entry, other in found
        if entry.score > other.floor and entry.score >= _min_score(entry)
    }
    if entering:
        summary.inserted_into = _insert_into(
            article_id=article_id, vector=vector, simhash=profile.simhash, entering=entering
        )
    stale = holders - set(entering)
    if stale:
        _list_recompute(list(RelatedProfile.objects.filter(pk__in=stale)))
        summary.refilled = len(stale)
    return summary


def _story_embedding(
    story: engine.Story, previous: RelatedProfile | None
) -> tuple[np.ndarray, str]:
    """Return a story's embedding and its key, reusing the stored one when the text is unchanged."""
    key = semantic.embedding_key(story)
    if previous is not None and previous.embedding_key == key:
        stored = semantic.embedding_from_bytes(previous.embedding)
        if stored is not None:
            return stored, key
    return semantic.stories_embed([story])[0], key


def _insert_into(*, article_id: int, vector: dict, simhash: int, entering: dict[int, tuple]) -> int:
    """Add the story to each list in `entering` (article id -> (entry, profile)) and re-rank."""
    current: dict[int, list[Entry]] = {pk: [] for pk in entering}
    for link in RelatedLink.objects.filter(article_id__in=list(entering)).order_by(
        "article_id", "rank"
    ):
        if link.related_id == article_id:
            continue
        entry = Entry(
            link.related_id,
            link.score,
            link.reasons.get("text_similarity", 0.0) if isinstance(link.reasons, dict) else 0.0,
            link.related_simhash,
            {k: v for k, v in (link.reasons or {}).items() if k != "pinned"},
        )
        current[link.article_id].append(entry)
    pins, excluded = _choices(list(entering))
    lists: dict[int, list[Entry]] = {}
    floors = []
    for other_id, (entry, other) in entering.items():
        if article_id in excluded.get(other_id, set()):
            continue
        # The other list sees this story from its side: reasons are symmetric, the score too.
        mine = _entry(
            related_id=article_id,
            a=other.vector,
            b=vector,
            days=entry.reasons["days_apart"],
            simhash=simhash,
            cosine=entry.cosine,
            semantic=entry.semantic,
        )
        entries, other.floor = _rank(
            own_simhash=other.simhash,
            entries=[*current[other_id], mine],
            pins=pins.get(other_id, []),
            excluded=excluded.get(other_id, set()),
            article_id=other_id,
            limit=stored_limit(),
        )
        lists[other_id] = entries
        floors.append(other)
    _links_write(lists)
    RelatedProfile.objects.bulk_update(floors, ["floor"])
    return len(lists)


@transaction.atomic
def related_article_withdraw(*, article_id: int) -> RefreshSummary:
    """Remove an unpublished or deleted article from the engine and refill the lists that held it."""
    holders = set(
        RelatedLink.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    profile = RelatedProfile.objects.filter(pk=article_id).first()
    if profile is not None:
        features = list(profile.vector)
        for start in range(0, len(features), 500):
            RelatedTerm.objects.filter(term__in=features[start : start + 500], df__gt=0).update(
                df=F("df") - 1
            )
        profile.delete()
    RelatedPosting.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.filter(related_id=article_id).delete()
    holders.discard(article_id)
    _list_recompute(list(RelatedProfile.objects.filter(pk__in=holders)), skip=article_id)
    return RefreshSummary(article_id=article_id, refilled=len(holders), removed=True)


# --- Editors' choices ------------------------------------------------------------------------------


@transaction.atomic
def related_choice_set(*, article_id: int, related_id: int, action: str) -> RelatedChoice | None:
    """Pin or exclude `related_id` in the article's list (or clear the choice: action "clear").

    The article's stored list is recomputed at once, so the reader sees the editor's choice.
    """
    if related_id == article_id:
        raise ValueError("An article cannot be related to itself.")
    choice = None
    if action == "clear":
        RelatedChoice.objects.filter(article_id=article_id, related_id=related_id).delete()
    elif action in (RelatedChoice.PIN, RelatedChoice.EXCLUDE):
        choice, _ = RelatedChoice.objects.update_or_create(
            article_id=article_id, related_id=related_id, defaults={"action": action}
        )
    else:
        raise ValueError(f"Unknown action {action!r}")
    profile = RelatedProfile.objects.filter(pk=article_id).first()
    if profile is not None:
        _list_recompute([profile])
    return choice


# --- Rebuild ---------------------------------------------------------------------------------------

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)
# State the rebuild's forked worker processes inherit (filled before each pool starts).
_SHARED: dict = {}
# Approximate candidate search (lexical mode): a feature found in more than this share of the
# archive's stories (and in at least COMMON_MIN of them) is left out of the search products, and
# each story's APPROXIMATE_CANDIDATES best partial scores are rescored with the full vectors.
# Measured recall@10 against exact search: docs/related.md, "Speed and scale".
COMMON_SHARE = 0.03
COMMON_MIN = 500
APPROXIMATE_CANDIDATES = 100
# Each story's `KEEP` best candidates (by score) go to `_rank`: room for copies, pins, exclusions.
KEEP_FACTOR, KEEP_EXTRA = 3, 5


@dataclass
class RebuildSummary:
    """What a rebuild did and how long it took."""

    mode: str
    articles: int = 0
    links: int = 0
    empty_lists: int = 0
    seconds: float = 0.0
    features: int = 0
    workers: int = 1
    # Seconds spent in each step: profiles, weights, lists (with their writes), indexes, finish.
    stages: dict[str, float] = field(default_factory=dict)
    # Candidate search: "approximate" (common features left out, candidates rescored) or "exact".
    search: str = "exact"
    common_features: int = 0
    # Recall check (`recall_sample`): of the exact top 10 of the stories checked, how many the
    # candidate search found.
    recall_hits: int = 0
    recall_total: int = 0
    recall_checked: int = 0

    @property
    def recall(self) -> float | None:
        """Recall@10 of the candidate search against exact search, or None when not checked."""
        return self.recall_hits / self.recall_total if self.recall_total else None

    @property
    def rate(self) -> float:
        """Articles per second."""
        return self.articles / self.seconds if self.seconds else 0.0


def _embeddings_for(
    items: list[ArchiveItem], *, progress: Callable[[int], None] | None = None, batch: int = 64
) -> tuple[np.ndarray, list[str]]:
    """Return every item's embedding and key, encoding only stories whose stored key is stale.

    Stored embeddings are reused when their key (model and text fingerprint) still matches, so an
    interrupted or repeated rebuild does not encode the archive again.
    """
    keys = [semantic.embedding_key(item.story) for item in items]
    stored: dict[int, tuple[str, bytes]] = {}
    ids = [item.article_id for item in items]
    for start in range(0, len(ids), 500):
        for pk, key, raw in RelatedProfile.objects.filter(
            pk__in=ids[start : start + 500], embedding__isnull=False
        ).values_list("pk", "embedding_key", "embedding"):
            stored[pk] = (key, raw)
    out = np.zeros((len(items), semantic.DIMENSIONS), dtype=np.float32)
    missing: list[int] = []
    for index, (item, key) in enumerate(zip(items, keys, strict=True)):
        known = stored.get(item.article_id)
        vector = semantic.embedding_from_bytes(known[1]) if known and known[0] == key else None
        if vector is None:
            missing.append(index)
        else:
            out[index] = vector
    if progress is not None and len(missing) < len(items):
        progress(len(items) - len(missing))
    for start in range(0, len(missing), batch):
        chosen = missing[start : start + batch]
        out[chosen] = semantic.stories_embed([items[i].story for i in chosen])
        if progress is not None:
            progress(len(chosen))
    return out, keys


def rebuild_workers() -> int:
    """Return how many processes a rebuild uses (`DATELINE_RELATED_REBUILD_WORKERS`, 0 = one per core)."""
    configured = settings.DATELINE_RELATED_REBUILD_WORKERS
    return configured if configured > 0 else (os.cpu_count() or 1)


def _mapped(func: Callable, tasks: Iterable, *, workers: int) -> Iterator:
    """Yield `func(task)` for each task, in order, using up to `workers` forked processes.

    At most a few tasks per worker are in flight, so results never pile up in memory while the
    caller writes earlier ones to the database. Workers read `_SHARED` and never touch the database.
    """
    if workers <= 1:
        for task in tasks:
            yield func(task)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for task in tasks:
            pending.append(pool.apply_async(func, (task,)))
            if len(pending) >= workers * 3:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _micros(when: dt.datetime) -> int:
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return (when - EPOCH) // MICROSECOND


@dataclass
class ProfiledBatch:
    """A batch of counted stories, as a worker returns it: arrays, and each feature named once."""

    ids: array
    micros: array
    simhashes: array
    # Features per story (row lengths), then each story's feature numbers and counts in a row.
    lengths: array
    cols: array
    counts: array
    # The batch's own numbering: feature number n is features[n].
    features: list[str]


def _profile_batch(batch: list[ArchiveItem]) -> ProfiledBatch:
    """Count the features of a batch of stories (in a worker): ids, dates, counts, SimHashes.

    Features are numbered within the batch, so the parent maps each distinct name once instead of
    every occurrence, and the result crosses the process boundary as arrays.
    """
    numbers: dict[str, int] = {}
    out = ProfiledBatch(array("q"), array("q"), array("q"), array("q"), array("i"), array("i"), [])
    for item in batch:
        profile = engine.story_profile(item.story)
        out.ids.append(item.article_id)
        out.micros.append(_micros(item.published_at))
        out.simhashes.append(profile.simhash)
        out.lengths.append(len(profile.counts))
        out.cols.extend([numbers.setdefault(f, len(numbers)) for f in profile.counts])
        out.counts.extend(profile.counts.values())
    out.features = list(numbers)
    return out


def _weigh_batch(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weigh rows `bounds` of the date-sorted archive (in a worker) with the engine's arithmetic."""
    from dateline.related import arrays

    counts = _SHARED["counts"][_SHARED["order"][bounds[0] : bounds[1]]]
    indptr, cols, values = arrays.rows_weigh(
        indptr=counts.indptr,
        cols=counts.indices,
        counts=counts.data,
        idf=_SHARED["idf"],
        kinds=_SHARED["kinds"],
        order=_SHARED["feature_order"],
    )
    return indptr, cols, values.astype(np.float32)


def _row_vector(index: int) -> dict[str, float]:
    matrix, names = _SHARED["matrix"], _SHARED["names"]
    begin, end = matrix.indptr[index], matrix.indptr[index + 1]
    # float32 holds a 6-decimal weight closely enough to give the same value back when rounded.
    values = np.round(matrix.data[begin:end].astype(np.float64), 6).tolist()
    return {
        names[col]: value
        for col, value in zip(matrix.indices[begin:end].tolist(), values, strict=True)
    }


def _heap_release() -> None:
    """Return freed memory to the operating system (glibc's `malloc_trim`, where there is one).

    Why: a forked worker's resident size starts as the parent's, and profiling a large archive
    leaves the parent's heap full of freed pages; releasing them keeps the rebuild's peak lower.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _columns_drop(matrix: csr_matrix, columns: np.ndarray) -> csr_matrix:
    """Return a copy of a CSR matrix without the entries in the flagged `columns` (row order kept)."""
    from scipy import sparse

    kept = ~columns[matrix.indices]
    # Entries kept before each row boundary: the new row pointers.
    indptr = np.r_[0, np.cumsum(kept, dtype=np.int64)][matrix.indptr]
    return sparse.csr_matrix((matrix.data[kept], matrix.indices[kept], indptr), shape=matrix.shape)


def _window_bounds(start: int, stop: int) -> tuple[int, int]:
    """Return the date-sorted rows `[lo, hi)` inside the age window of rows `[start, stop)`."""
    days, window = _SHARED["days"], _SHARED["window"]
    if not window:
        return 0, len(days)
    lo = int(np.searchsorted(days, days[start] - window, side="left"))
    hi = int(np.searchsorted(days, days[stop - 1] + window, side="right"))
    return lo, hi


def _exact_row(index: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Score row `index` against every row of `[lo, hi)` exactly: (cosines, scores), self at 0."""
    matrix, days, window = _SHARED["matrix"], _SHARED["days"], _SHARED["window"]
    cos = np.asarray((matrix[lo:hi] @ matrix[index].T).todense()).ravel()
    scores = cos.astype(np.float64)
    if window:
        gap = np.abs(days[lo:hi] - days[index])
        scores = np.where(gap > window, 0.0, scores * (1.0 - 0.5 * gap / window))
    scores[index - lo] = 0.0
    return cos, scores


def _top_exact(scores: np.ndarray, count: int) -> set[int]:
    """Return the positions of the `count` best positive scores (ties by position)."""
    best = np.argsort(-scores, kind="stable")[:count]
    return set(best[scores[best] > 0].tolist())


def _approximate_candidates(
    sub: int, sub_stop: int, lo: int, hi: int, right_rare: csr_matrix
) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
    """Find each row's candidates by the features that are not common, and score them exactly.

    The product of the rows' uncommon features with the window's (`right_rare`, transposed) is
    sparse; per row the `APPROXIMATE_CANDIDATES` best partial scores (time factor applied) are
    rescored exactly by adding the common features' part. A row with fewer candidates than a list
    needs (a short story whose neighbours share only common features) is left for exact search.
    Returns, per row, the candidates' positions in the window and their cosines (float32), and the
    rows left for exact search.
    """
    rare, common, days = _SHARED["rare"], _SHARED["common"], _SHARED["days"]
    window, wanted = _SHARED["window"], _SHARED["keep"]
    count = _SHARED["candidates"]
    product = rare[sub:sub_stop] @ right_rare
    indptr, cols, raw = product.indptr, product.indices, product.data
    rows = np.repeat(np.arange(sub_stop - sub), np.diff(indptr))
    partial = raw
    if window:
        gap = np.abs(days[lo + cols] - days[sub + rows])
        partial = np.where(gap > window, 0.0, raw * (1.0 - 0.5 * gap / window))
    partial[lo + cols == sub + rows] = 0.0
    picked: list[np.ndarray] = []
    exact_rows: list[int] = []
    for row in range(sub_stop - sub):
        begin, end = indptr[row], indptr[row + 1]
        segment = partial[begin:end]
        if end - begin > count:
            chosen = np.argpartition(-segment, count - 1)[:count]
        else:
            chosen = np.flatnonzero(segment > 0)
            if len(chosen) < wanted:
                exact_rows.append(row)
                chosen = chosen[:0]
        picked.append(begin + chosen)
    found_cols: list[np.ndarray] = [np.zeros(0, np.int64)] * (sub_stop - sub)
    found_cos: list[np.ndarray] = [np.zeros(0, np.float32)] * (sub_stop - sub)
    positions = np.concatenate(picked)
    if len(positions):
        pair_rows, pair_cols = rows[positions], cols[positions]
        # Full cosine = the uncommon features' part (from the product) + the common ones' part.
        cosines = raw[positions] + np.asarray(
            common[sub + pair_rows].multiply(common[lo + pair_cols]).sum(axis=1), dtype=np.float32
        ).ravel().astype(raw.dtype)
        bounds = np.r_[0, np.cumsum([len(p) for p in picked])]
        for row in range(sub_stop - sub):
            found_cols[row] = pair_cols[bounds[row] : bounds[row + 1]].astype(np.int64)
            found_cos[row] = cosines[bounds[row] : bounds[row + 1]]
    return found_cols, found_cos, exact_rows


def _dense_candidates(
    rows: np.ndarray, lo: int, hi: int, right: csr_matrix
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray | None]]:
    """Score `rows` (archive positions) against every story of the window and keep each row's best.

    Exact search (and semantic mode, where candidates sharing a feature are ranked by the blend of
    both cosines). Returns, per row, the kept stories' positions in the window, their lexical
    cosines (float32) and, in semantic mode, their embedding cosines.
    """
    days, window, keep = _SHARED["days"], _SHARED["window"], _SHARED["keep"]
    embeddings = _SHARED.get("embeddings")  # semantic mode: float32 rows in date order
    # Dense from here on: most stories of a window share at least a section or a common
    # word, so the product is nearly full and whole-array arithmetic beats sparse indexing.
    cos_dense = (_SHARED["matrix"][rows] @ right).toarray()
    gap = np.abs(days[lo:hi][None, :] - days[rows, None]).astype(np.float32)
    factor_dense = (1.0 - 0.5 * gap / window) if window else np.ones_like(gap)
    sem_dense = None
    if embeddings is not None:
        sem_dense = embeddings[rows] @ embeddings[lo:hi].T
        dense = np.where(cos_dense > 0, engine.blend(cos_dense, sem_dense), 0.0) * factor_dense
    else:
        dense = cos_dense * factor_dense
    if window:
        dense[gap > window] = 0.0
    dense[np.arange(len(rows)), rows - lo] = 0.0  # not itself
    if keep < hi - lo:
        best = np.argpartition(-dense, keep - 1, axis=1)[:, :keep]
    else:
        best = np.broadcast_to(np.arange(hi - lo), (len(rows), hi - lo))
    picked = np.take_along_axis(dense, best, axis=1) > 0
    picked_cos = np.take_along_axis(cos_dense, best, axis=1)
    picked_sem = (
        np.take_along_axis(sem_dense, best, axis=1).astype(np.float64)
        if sem_dense is not None
        else None
    )
    cols, cosines, sems = [], [], []
    for row in range(len(rows)):
        ok = picked[row]
        cols.append(best[row][ok].astype(np.int64))
        cosines.append(picked_cos[row][ok])
        sems.append(picked_sem[row][ok] if picked_sem is not None else None)
    return cols, cosines, sems


def _lists_block(bounds: tuple[int, int]) -> dict:
    """Compute the profiles, postings and lists of rows `bounds` (in a worker).

    Each row's candidates come from `_approximate_candidates` (lexical mode) or, in exact or
    semantic mode, from every story of its age window (`_dense_candidates`); the best few by
    the engine's arithmetic are ranked by `_rank` (pins, exclusions, copies). On the rows chosen
    for the recall check, the candidate search is compared with exact search. Returns the rows to
    write and the recall counts.
    """
    shared = _SHARED
    matrix, days, simhashes = shared["matrix"], shared["days"], shared["simhashes"]
    window, limit, micros = shared["window"], shared["limit"], shared["micros"]
    id_list, keep = shared["id_list"], shared["keep"]
    approximate = shared["approximate"]
    recall_every = shared["recall_every"]
    start, stop = bounds
    lo, hi = _window_bounds(start, stop)
    # Transposed once per block: the window's columns for every slice of rows.
    right = (shared["rare"] if approximate else matrix)[lo:hi].T.tocsr()
    right_full = None if approximate else right  # the whole window, for exact search
    profiles, postings, links = [], [], []
    empty = hits = total = checked = 0
    for sub in range(start, stop, 256):
        sub_stop = min(sub + 256, stop)
        if approximate:
            found_cols, found_cos, short = _approximate_candidates(sub, sub_stop, lo, hi, right)
            found_sem: list = [None] * (sub_stop - sub)
            if short:
                # Rows with too few candidates are searched exactly, together: one at a time,
                # an archive of stories sharing mostly common words took four times as long.
                if right_full is None:
                    right_full = matrix[lo:hi].T.tocsr()
                cols, cosines, _ = _dense_candidates(sub + np.asarray(short), lo, hi, right_full)
                for row, row_cols, row_cosines in zip(short, cols, cosines, strict=True):
                    found_cols[row], found_cos[row] = row_cols, row_cosines
        else:
            found_cols, found_cos, found_sem = _dense_candidates(
                np.arange(sub, sub_stop), lo, hi, right
            )
        for row in range(sub_stop - sub):
            index = sub + row
            article_id = id_list[index]
            others = lo + found_cols[row]
            # The scores are worked out again exactly as engine.score does (time factor element
            # by element: the same operations and numbers), from the float32 cosines.
            gaps = np.abs(days[others] - days[index])
            factors = 1.0 - 0.5 * gaps / window if window else np.ones_like(gaps)
            cosines = found_cos[row].astype(np.float64)
            sems = found_sem[row]
            scores = (engine.blend(cosines, sems) if sems is not None else cosines) * factors
            if window:
                scores = np.where(gaps > window, 0.0, scores)
            best = np.arange(len(scores))
            if len(scores) > keep:
                best = np.argpartition(-scores, keep - 1)[:keep]
            best = best[scores[best] > 0]
            if recall_every and index % recall_every == 0:
                _, exact_scores = _exact_row(index, lo, hi)
                truth = _top_exact(exact_scores, 10)
                # The same exact scores, over the stories the search kept: what it missed.
                mine = np.zeros(hi - lo)
                mine[found_cols[row][best]] = exact_scores[found_cols[row][best]]
                hits += len(truth & _top_exact(mine, 10))
                total += len(truth)
                checked += 1
            entries = []
            days_apart = {}
            for other, cosine, factor, gap_days, sem in zip(
                others[best].tolist(),
                cosines[best].tolist(),
                factors[best].tolist(),
                gaps[best].tolist(),
                sems[best].tolist() if sems is not None else [None] * len(best),
                strict=True,
            ):
                related = id_list[other]
                similarity = float(engine.blend(cosine, sem))
                entry = Entry(related, round(similarity * factor, 6), cosine, simhashes[other])
                if sem is not None:
                    entry.semantic = sem
                    entry.reasons = {"semantic_similarity": round(sem, 4)}
                entries.append(entry)
                days_apart[related] = gap_days
            chosen, floor = _rank(
                own_simhash=simhashes[index],
                entries=entries,
                pins=shared["pins"].get(article_id, []),
                excluded=shared["excluded"].get(article_id, set()),
                article_id=article_id,
                limit=limit,
            )
            for entry in chosen:
                if entry.related_id in days_apart:
                    entry.reasons = {
                        "days_apart": round(days_apart[entry.related_id]),
                        "text_similarity": round(entry.cosine, 4),
                        **entry.reasons,
                    }
            empty += not chosen
            vector = _row_vector(index)
            published_at = _db_datetime(
                EPOCH + dt.timedelta(microseconds=int(micros[index])), sqlite=shared["sqlite"]
            )
            profiles.append((article_id, published_at, json.dumps(vector), simhashes[index], floor))
            postings.extend(
                (term[:255], article_id, published_at, weight)
                for term, weight in _key_features(vector)
            )
            links.extend(
                _link_row(article_id, rank, entry) for rank, entry in enumerate(chosen, start=1)
            )
    return {
        "profiles": profiles,
        "postings": postings,
        "links": links,
        "empty": empty,
        "recall": (hits, total, checked),
    }


def _rows_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows at once: COPY on PostgreSQL, one prepared statement on SQLite.

    Rows are written as given (dates already in the database's form, see `_db_datetime`), straight
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
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.executemany(sql, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _db_datetime(when: dt.datetime, *, sqlite: bool) -> dt.datetime | str:
    """Return a date as the rebuild writes it: SQLite's stored text (UTC, as Django writes it)."""
    if not sqlite:
        return when
    return str(timezone.make_naive(when, dt.UTC) if timezone.is_aware(when) else when)


@contextlib.contextmanager
def _indexes_deferred(models: list, *, defer: bool) -> Iterator[None]:
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


def _ids_delete(table: str, column: str, ids: list[int]) -> None:
    with connection.cursor() as cursor:
        for begin in range(0, len(ids), 900):
            part = ids[begin : begin + 900]
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(part))})", part
            )


def related_rebuild(
    *,
    items: Iterable[ArchiveItem] | None = None,
    progress: Callable[[str, int], None] | None = None,
    block: int = 2048,
    workers: int | None = None,
    encode_progress: Callable[[int], None] | None = None,
    exact: bool = False,
    recall_sample: int = 0,
) -> RebuildSummary:
    """Recompute every profile, the archive's statistics, the index and every stored list.

    Each article is compared with the articles of its age window by sparse matrix products over
    the date-sorted archive, `block` articles at a time, in `workers` processes. In lexical mode
    the search leaves out the archive's most common features (sections, wire names, "said"...)
    and rescores the best candidates with the full vectors (`_approximate_candidates`); `exact`,
    or semantic mode, compares every pair of the window instead. `recall_sample` stories, spread
    over the archive, are also searched exactly, and the summary's `recall` says how many of their
    exact top 10 the search found.
    `items` defaults to all live, public articles and may be a generator (the scale benchmark
    streams its archive). `progress(stage, n)` is told of each batch of articles profiled
    ("profiles") and listed ("lists").

    Safe to interrupt and re-run: each block's profiles, index entries and lists are replaced
    together in one transaction, so an interrupted run leaves every article with its old or its new
    list, never a broken one; stories that are no longer live and the statistics are settled at the
    end, and a re-run recomputes everything.

    In semantic mode every story is first embedded (`encode_progress` counts them; stored
    embeddings of unchanged stories are reused) and lists are ranked by the blended score.
    """
    from scipy import sparse

    from dateline.related import arrays

    started = time.perf_counter()
    rebuild_started = timezone.now()
    mode = related_mode()
    logger.info("Related News rebuild in %s mode", mode)
    if items is None:
        items = article_items()
    embeddings: np.ndarray | None = None
    embedding_keys: list[str] = []
    if mode == engine.SEMANTIC:
        items = list(items)
        embeddings, embedding_keys = _embeddings_for(items, progress=encode_progress)
    if workers is None:
        # Starting processes is not worth it for a small newsroom's archive.
        small = isinstance(items, list) and len(items) < 2000
        workers = 1 if small else rebuild_workers()
    summary = RebuildSummary(mode=mode, workers=workers)

    # 1. Count every story's features (in parallel), give each feature an integer id.
    ids, micros, simhashes = array("q"), array("q"), array("q")
    cols, counts, lengths = array("i"), array("i"), array("q")
    vocabulary: dict[str, int] = {}
    for batch in _mapped(_profile_batch, _batches(items, 500), workers=workers):
        ids.extend(batch.ids)
        micros.extend(batch.micros)
        simhashes.extend(batch.simhashes)
        lengths.extend(batch.lengths)
        numbers = np.fromiter(
            (vocabulary.setdefault(f, len(vocabulary)) for f in batch.features),
            dtype=np.int32,
            count=len(batch.features),
        )
        cols.frombytes(numbers[np.frombuffer(batch.cols, dtype=np.int32)].tobytes())
        counts.extend(batch.counts)
        if progress is not None:
            progress("profiles", len(batch.ids))
    size = len(ids)
    summary.articles = size
    summary.stages["profiles"] = time.perf_counter() - started
    summary.features = len(vocabulary)
    names = list(vocabulary)
    del vocabulary
    count_matrix = sparse.csr_matrix(
        (
            np.frombuffer(counts, dtype=np.int32),
            np.frombuffer(cols, dtype=np.int32),
            np.r_[0, np.cumsum(np.frombuffer(lengths, dtype=np.int64))],
        ),
        shape=(size, max(1, len(names))),
    )
    del cols, counts, lengths
    df = np.bincount(count_matrix.indices, minlength=len(names))

    # 2. Weigh them as the engine does, in date order.
    ids_ = np.frombuffer(ids, dtype=np.int64)
    micros_ = np.frombuffer(micros, dtype=np.int64)
    order = np.lexsort((ids_, micros_))
    _SHARED.clear()
    _SHARED.update(
        counts=count_matrix,
        order=order,
        idf=arrays.idf_table(df, documents=size),
        kinds=arrays.feature_kinds(names),
        feature_order=arrays.feature_order(names),
    )
    parts = list(
        _mapped(
            _weigh_batch,
            [(b, min(b + 20_000, size)) for b in range(0, size, 20_000)],
            workers=workers if size > 20_000 else 1,
        )
    )
    _SHARED.clear()
    del count_matrix
    indptr = np.zeros(size + 1, dtype=np.int64)
    offset = 0
    row = 0
    for part_indptr, _, _ in parts:
        indptr[row + 1 : row + len(part_indptr)] = part_indptr[1:] + offset
        offset += int(part_indptr[-1])
        row += len(part_indptr) - 1
    matrix = sparse.csr_matrix(
        (
            np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.float32),
            np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int32),
            indptr,
        ),
        shape=(size, max(1, len(names))),
    )
    del parts
    sorted_micros = micros_[order]
    sorted_ids = ids_[order]
    approximate = not exact and embeddings is None
    rare = common_part = None
    if approximate:
        summary.search = "approximate"
        postings = np.bincount(matrix.indices, minlength=matrix.shape[1])
        common = postings > max(COMMON_SHARE * size, COMMON_MIN)
        summary.common_features = int(common.sum())
        rare = _columns_drop(matrix, common)
        common_part = _columns_drop(matrix, ~common)
    live = set(sorted_ids.tolist())
    pins, excluded = _choices(None, live=live)
    _SHARED.update(
        matrix=matrix,
        names=names,
        days=sorted_micros / 86_400e6,
        micros=sorted_micros,
        ids=sorted_ids,
        id_list=sorted_ids.tolist(),
        simhashes=np.frombuffer(simhashes, dtype=np.int64)[order].tolist(),
        window=window_days(),
        limit=stored_limit(),
        pins=pins,
        excluded=excluded,
        sqlite=connection.vendor == "sqlite",
        embeddings=embeddings[order] if embeddings is not None else None,
        approximate=approximate,
        rare=rare,
        common=common_part,
        candidates=APPROXIMATE_CANDIDATES,
        keep=stored_limit() * KEEP_FACTOR + KEEP_EXTRA,
        recall_every=max(1, size // recall_sample) if recall_sample and size else 0,
    )
    keys_by_id = dict(zip(ids_.tolist(), embedding_keys, strict=True)) if embedding_keys else {}

    summary.stages["weights"] = time.perf_counter() - started - sum(summary.stages.values())

    # 3. Lists, each block written in its own transaction. The list workers are forked now and
    # start with this process's resident memory: hand what profiling left free back first.
    _heap_release()
    had_rows = any(
        model.objects.exists() for model in (RelatedProfile, RelatedPosting, RelatedLink)
    )
    profile_table = RelatedProfile._meta.db_table
    posting_table = RelatedPosting._meta.db_table
    link_table = RelatedLink._meta.db_table
    now = _db_datetime(timezone.now(), sqlite=connection.vendor == "sqlite")
    blocks = [(b, min(b + block, size)) for b in range(0, size, block)]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB of pages for the bulk load
    try:
        with _indexes_deferred([RelatedPosting, RelatedLink], defer=size > 0 and not had_rows):
            for (begin, end), result in zip(
                blocks, _mapped(_lists_block, blocks, workers=workers), strict=True
            ):
                block_ids = sorted_ids[begin:end].tolist()
                with transaction.atomic():
                    if had_rows:
                        _ids_delete(profile_table, "article_id", block_ids)
                        _ids_delete(posting_table, "article_id", block_ids)
                        _ids_delete(link_table, "article_id", block_ids)
                    _rows_insert(
                        profile_table,
                        (
                            "article_id",
                            "published_at",
                            "vector",
                            "simhash",
                            "floor",
                            "mode",
                            "computed_at",
                        ),
                        [(*p, mode, now) for p in result["profiles"]],
                    )
                    if embeddings is not None:
                        shared_embeddings = _SHARED["embeddings"]
                        _executemany(
                            f"UPDATE {profile_table} SET embedding = %s, embedding_key = %s "
                            "WHERE article_id = %s",
                            [
                                (
                                    semantic.embedding_to_bytes(shared_embeddings[begin + i]),
                                    keys_by_id[pk],
                                    pk,
                                )
                                for i, pk in enumerate(block_ids)
                            ],
                        )
                    _rows_insert(
                        posting_table,
                        ("term", "article_id", "published_at", "weight"),
                        result["postings"],
                    )
                    _rows_insert(
                        link_table,
                        (
                            "article_id",
                            "related_id",
                            "rank",
                            "score",
                            "reasons",
                            "pinned",
                            "related_simhash",
                        ),
                        result["links"],
                    )
                summary.links += len(result["links"])
                summary.recall_hits += result["recall"][0]
                summary.recall_total += result["recall"][1]
                summary.recall_checked += result["recall"][2]
                summary.empty_lists += result["empty"]
                if progress is not None:
                    progress("lists", end - begin)
            summary.stages["lists"] = time.perf_counter() - started - sum(summary.stages.values())
    finally:
        _SHARED.clear()

    # Building the index deferred above (into empty storage) is timed on its own.
    summary.stages["indexes"] = time.perf_counter() - started - sum(summary.stages.values())

    # 4. Stories no longer live leave with their rows; the statistics become the archive's.
    with transaction.atomic():
        if had_rows:
            RelatedProfile.objects.filter(computed_at__lt=rebuild_started).delete()
            with connection.cursor() as cursor:
                for table in (posting_table, link_table):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE article_id NOT IN "
                        f"(SELECT article_id FROM {profile_table})"
                    )
        _table_clear(RelatedTerm)
        _rows_insert(
            RelatedTerm._meta.db_table,
            ("term", "df"),
            [(name[:255], int(count)) for name, count in zip(names, df.tolist(), strict=True)],
        )
    # Fresh statistics for the query planner after a bulk load.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (profile_table, posting_table, link_table, RelatedTerm._meta.db_table):
                cursor.execute(f"ANALYZE {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
    summary.seconds = time.perf_counter() - started
    summary.stages["finish"] = summary.seconds - sum(summary.stages.values())
    return summary


def _table_clear(model) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table}")
