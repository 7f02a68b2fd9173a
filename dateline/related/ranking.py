"""How a list is ordered: scored candidates, the editors' pins and exclusions, copies skipped.

The publish path, the lists it refills and the rebuild all order lists with `entries_rank`, so an
article's list is the same whichever of them wrote it last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from dateline.related import engine
from dateline.related.config import window_days
from dateline.related.models import RelatedChoice, RelatedProfile

# Why a story is in a list, as stored with it: days apart, text and meaning similarity, and the
# `pinned` flag (a bool, which the type checker counts as a number).
Reasons = dict[str, float]


@dataclass
class Entry:
    """A candidate for an article's list: the story, its score, why, and its text fingerprint."""

    related_id: int
    score: float
    cosine: float
    simhash: int
    reasons: Reasons = field(default_factory=dict)
    semantic: float | None = None


def entry_scored(
    *,
    related_id: int,
    a: dict[str, float],
    b: dict[str, float],
    days: float,
    simhash: int,
    cosine: float | None = None,
    semantic: float | None = None,
) -> Entry:
    """Return story `related_id` as a candidate, scored as `engine.score` does, with its reasons.

    `cosine` is the two vectors' cosine when the caller knows it already; `semantic` their
    embeddings' cosine (None in lexical mode).
    """
    cos = engine.cosine(a, b) if cosine is None else cosine
    factor = engine.time_factor(days_apart=days, window_days=window_days())
    similarity = float(engine.blend(cos, semantic))
    # The shared names and terms are worked out when an editor asks (selectors.related_explained).
    why: Reasons = {"days_apart": round(days), "text_similarity": round(cos, 4)}
    if semantic is not None:
        why["semantic_similarity"] = round(semantic, 4)
    return Entry(related_id, round(similarity * factor, 6), cos, simhash, why, semantic)


def entry_minimum(entry: Entry) -> float:
    """Return the weakest score shown for this entry: semantic mode's minimum for a blended score."""
    return engine.min_score(
        semantic=entry.semantic,
        lexical_minimum=settings.DATELINE_RELATED_MIN_SCORE,
        semantic_minimum=settings.DATELINE_RELATED_MIN_SCORE_SEMANTIC,
    )


def entries_rank(
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
            or entry.score < entry_minimum(entry)
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


def choices_read(
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
