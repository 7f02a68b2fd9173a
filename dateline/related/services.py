"""Writes of the Related News engine: profiles, stored lists, both-direction updates, rebuilds, choices.

Publishing an article profiles it, finds its candidates through the inverted index (its strongest
features, within the age window), stores its own list, and inserts it into the lists of the stories it
now outranks (both directions). Unpublishing or deleting it removes it everywhere and refills the lists
that held it. A rebuild recomputes everything with exact search over the whole archive.

In semantic mode (`related_mode()`), each profile also stores the story's embedding, and candidates
found through the lexical index are re-ranked with `engine.blend` of the two similarities.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

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
    why = engine.reasons(a, b)
    why["days_apart"] = round(days)
    why["text_similarity"] = round(cos, 4)
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

    Each of the vector's strongest features reads its heaviest postings inside the age window; the
    best-scoring stories by that partial dot product are then rescored with their full vectors
    (and, given the story's `embedding`, with the semantic blend).
    """
    if not vector:
        return []
    window = window_days()
    partial: Counter = Counter()
    cap = settings.DATELINE_RELATED_POSTINGS_PER_TERM
    # Read twice as many features as each article indexes, so two stories that share a feature
    # meet even when it is among the strongest of only one of them.
    for term, weight in _key_features(vector, factor=2):
        postings = RelatedPosting.objects.filter(term=term)
        if window:
            span = dt.timedelta(days=window)
            postings = postings.filter(
                published_at__gte=published_at - span, published_at__lte=published_at + span
            )
        for article_id, other in postings.order_by("-weight").values_list("article_id", "weight")[
            :cap
        ]:
            partial[article_id] += weight * other
    partial.pop(exclude, None)
    chosen = [pk for pk, _ in partial.most_common(settings.DATELINE_RELATED_CANDIDATES)]
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
    minimum = settings.DATELINE_RELATED_MIN_SCORE
    for entry in sorted(entries, key=lambda e: (-e.score, e.related_id)):
        if len(chosen) >= limit:
            break
        if (
            entry.related_id in pinned
            or entry.related_id in excluded
            or entry.related_id == article_id
            or entry.score < minimum
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


def _choices(article_ids: Iterable[int]) -> tuple[dict[int, list[int]], dict[int, set[int]]]:
    """Return the editors' pins (in order, live stories only) and exclusions per article."""
    pins: dict[int, list[int]] = {}
    excluded: dict[int, set[int]] = {}
    rows = list(
        RelatedChoice.objects.filter(article_id__in=list(article_ids)).values_list(
            "article_id", "related_id", "action"
        )
    )
    if not rows:
        return pins, excluded
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


def _links_write(lists: dict[int, list[Entry]]) -> None:
    """Replace the stored lists of the given articles."""
    ids = list(lists)
    for start in range(0, len(ids), 500):
        RelatedLink.objects.filter(article_id__in=ids[start : start + 500]).delete()
    table = RelatedLink._meta.db_table
    rows = [
        (
            article_id,
            entry.related_id,
            rank,
            entry.score,
            json.dumps(entry.reasons),
            bool(entry.reasons.get("pinned")),
            entry.simhash,
        )
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
        if entry.score > other.floor and entry.score >= settings.DATELINE_RELATED_MIN_SCORE
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


@dataclass
class RebuildSummary:
    """What a rebuild did and how long it took."""

    mode: str
    articles: int = 0
    links: int = 0
    empty_lists: int = 0
    seconds: float = 0.0
    features: int = 0

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


def _row_scores(
    *,
    cos: np.ndarray,
    factor: np.ndarray,
    embeddings: np.ndarray | None,
    row: int,
    cols: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Score one article's rebuild candidates: lexical cosine, or the blend in semantic mode.

    Return the scores (time factor applied) and the embedding cosines (NaN in lexical mode).
    """
    if embeddings is None:
        return cos * factor, np.full(len(cols), np.nan)
    sem = (embeddings[cols] @ embeddings[row]).astype(np.float64)
    return engine.blend(cos, sem) * factor, sem


def related_rebuild(
    *,
    items: list[ArchiveItem] | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = 500,
    encode_progress: Callable[[int], None] | None = None,
) -> RebuildSummary:
    """Recompute every profile, the archive's statistics, the index and every stored list.

    Exact search: each article is compared with every article of its age window (sparse matrix
    products, a chunk of articles at a time). `items` defaults to all live, public articles; the
    scale benchmark passes its archive here. Safe to interrupt and re-run: the profiles, statistics
    and index are replaced in one transaction, then the lists chunk by chunk, each chunk in its own
    transaction, so an interrupted run leaves old or new lists, never broken ones.

    In semantic mode every story is first embedded (`encode_progress` counts them; stored
    embeddings of unchanged stories are reused) and candidates are ranked by the blended score.
    """
    from scipy import sparse

    started = time.perf_counter()
    mode = related_mode()
    logger.info("Related News rebuild in %s mode", mode)
    if items is None:
        items = article_items()
    items = sorted(items, key=lambda item: (item.published_at, item.article_id))
    summary = RebuildSummary(mode=mode, articles=len(items))
    embeddings: np.ndarray | None = None
    embedding_keys: list[str] = []
    if mode == engine.SEMANTIC:
        embeddings, embedding_keys = _embeddings_for(items, progress=encode_progress)
    profiles = [engine.story_profile(item.story) for item in items]
    df: Counter = Counter()
    for profile in profiles:
        df.update(profile.counts.keys())
    vectors = [engine.profile_vector(p, df=df, documents=len(items)) for p in profiles]
    summary.features = len(df)

    vocabulary: dict[str, int] = {}
    indptr, indices, values = [0], [], []
    for vector in vectors:
        for feature, weight in vector.items():
            indices.append(vocabulary.setdefault(feature, len(vocabulary)))
            values.append(weight)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.asarray(values, np.float32), np.asarray(indices, np.int32), np.asarray(indptr)),
        shape=(len(items), max(1, len(vocabulary))),
    )
    days = np.array([item.published_at.timestamp() / 86400.0 for item in items])
    ids = np.array([item.article_id for item in items], dtype=np.int64)
    simhashes = [profile.simhash for profile in profiles]
    window = window_days()
    limit = stored_limit()
    pins, excluded = _choices(ids.tolist()) if len(ids) else ({}, {})
    floors = np.zeros(len(items))
    lists: dict[int, list[Entry]] = {}
    transposed = matrix.T.tocsr()
    position = {int(pk): index for index, pk in enumerate(ids)}

    def _lists_for(start: int, stop: int) -> None:
        lo, hi = 0, len(items)
        if window:
            lo = int(np.searchsorted(days, days[start] - window, side="left"))
            hi = int(np.searchsorted(days, days[stop - 1] + window, side="right"))
        product = (matrix[start:stop] @ transposed[:, lo:hi]).tocsr()
        for row in range(stop - start):
            index = start + row
            begin, end = product.indptr[row], product.indptr[row + 1]
            cols = product.indices[begin:end] + lo
            cos = product.data[begin:end].astype(np.float64)
            gap = np.abs(days[cols] - days[index])
            factor = np.ones_like(gap)
            if window:
                factor = np.where(gap > window, 0.0, 1.0 - 0.5 * gap / window)
            scores, sem = _row_scores(
                cos=cos, factor=factor, embeddings=embeddings, row=index, cols=cols
            )
            keep = (cols != index) & (scores > 0)
            cols, cos, scores, gap, sem = cols[keep], cos[keep], scores[keep], gap[keep], sem[keep]
            take = min(len(cols), limit * 3 + 5)
            if take < len(cols):
                top = np.argpartition(-scores, take - 1)[:take]
                cols, cos, scores, gap, sem = cols[top], cos[top], scores[top], gap[top], sem[top]
            article_id = int(ids[index])
            entries = [
                Entry(
                    int(ids[col]),
                    round(float(s), 6),
                    float(c),
                    simhashes[col],
                    {"days_apart": round(float(g)), "text_similarity": round(float(c), 4)}
                    | ({} if np.isnan(m) else {"semantic_similarity": round(float(m), 4)}),
                    None if np.isnan(m) else float(m),
                )
                for col, c, s, g, m in zip(cols, cos, scores, gap, sem, strict=True)
            ]
            own_pins = pins.get(article_id, [])
            chosen, floors[index] = _rank(
                own_simhash=simhashes[index],
                entries=entries,
                pins=own_pins,
                excluded=excluded.get(article_id, set()),
                article_id=article_id,
                limit=limit,
            )
            for entry in chosen:
                other = position.get(entry.related_id)
                if other is not None:
                    entry.reasons.update(engine.reasons(vectors[index], vectors[other]))
            lists[article_id] = chosen

    for start in range(0, len(items), chunk):
        _lists_for(start, min(start + chunk, len(items)))
        if progress is not None:
            progress(min(chunk, len(items) - start))

    with transaction.atomic():
        RelatedPosting.objects.all().delete()
        RelatedTerm.objects.all().delete()
        _table_clear(RelatedProfile)
        now = timezone.now()
        _executemany(
            f"INSERT INTO {RelatedProfile._meta.db_table} (article_id, published_at, vector, "
            "simhash, floor, mode, computed_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    item.article_id,
                    item.published_at,
                    json.dumps(vectors[i]),
                    simhashes[i],
                    float(floors[i]),
                    mode,
                    now,
                )
                for i, item in enumerate(items)
            ],
        )
        if embeddings is not None:
            _executemany(
                f"UPDATE {RelatedProfile._meta.db_table} SET embedding = %s, embedding_key = %s "
                "WHERE article_id = %s",
                [
                    (semantic.embedding_to_bytes(embeddings[i]), embedding_keys[i], item.article_id)
                    for i, item in enumerate(items)
                ],
            )
        _executemany(
            f"INSERT INTO {RelatedTerm._meta.db_table} (term, df) VALUES (%s, %s)",
            [(term[:255], count) for term, count in df.items()],
        )
        _executemany(
            f"INSERT INTO {RelatedPosting._meta.db_table} (term, article_id, published_at, "
            "weight) VALUES (%s, %s, %s, %s)",
            [
                (term[:255], item.article_id, item.published_at, weight)
                for i, item in enumerate(items)
                for term, weight in _key_features(vectors[i])
            ],
        )
    article_ids = [item.article_id for item in items]
    with transaction.atomic():
        # Lists of articles that are no longer live go with them.
        RelatedLink.objects.exclude(article_id__in=RelatedProfile.objects.values("pk")).delete()
    for start in range(0, len(article_ids), 2000):
        with transaction.atomic():
            _links_write({pk: lists[pk] for pk in article_ids[start : start + 2000]})
    summary.links = sum(len(entries) for entries in lists.values())
    summary.empty_lists = sum(1 for entries in lists.values() if not entries)
    summary.seconds = time.perf_counter() - started
    return summary


def _table_clear(model) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table}")
