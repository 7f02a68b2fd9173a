"""Writes of the Related News engine on each change: publish, withdraw, editors' choices; rebuilds.

Publishing an article profiles it, finds its candidates through the inverted index (its strongest
features, within the age window), stores its own list, and inserts it into the lists of the stories it
now outranks (both directions). Unpublishing or deleting it removes it everywhere and refills the lists
that held it. A rebuild (`related_rebuild`, in `rebuild/`) recomputes everything over the whole archive.

In semantic mode (`related_mode()`), each profile also stores the story's embedding, and candidates
found through the lexical index are re-ranked with `engine.blend` of the two similarities.

This module is the app's surface for code outside `dateline/related/` (with `selectors`): it also
names the settings, the engine's view of articles and the publish path's candidate search, which the
benchmarks use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction

from dateline.related import engine, semantic
from dateline.related.config import rebuild_workers, related_mode, stored_limit, window_days
from dateline.related.index import (
    candidates_find,
    document_frequencies,
    document_frequencies_add,
    document_frequencies_remove,
    postings_write,
)
from dateline.related.models import (
    RelatedChoice,
    RelatedLink,
    RelatedPosting,
    RelatedProfile,
)
from dateline.related.ranking import (
    Entry,
    choices_read,
    entries_rank,
    entry_minimum,
    entry_scored,
)
from dateline.related.reading import ArchiveItem, article_items
from dateline.related.rebuild import RebuildSummary, RebuildTuning, related_rebuild
from dateline.related.storage import links_write

__all__ = [
    "ArchiveItem",
    "RebuildSummary",
    "RebuildTuning",
    "RefreshSummary",
    "article_items",
    "candidates_find",
    "rebuild_workers",
    "related_article_refresh",
    "related_article_withdraw",
    "related_choice_set",
    "related_mode",
    "related_rebuild",
    "stored_limit",
    "window_days",
]


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
    df = document_frequencies(profile_counts.counts)
    if previous is None:
        # A new story joins the archive's statistics; edits leave them to the next rebuild.
        document_frequencies_add(list(profile_counts.counts), df)
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
    postings_write(article_id, vector, item.published_at)

    found = candidates_find(
        vector=vector, published_at=item.published_at, exclude=article_id, embedding=embedding
    )
    pins, excluded = choices_read([article_id])
    own, profile.floor = entries_rank(
        own_simhash=profile.simhash,
        entries=[entry for entry, _ in found],
        pins=pins.get(article_id, []),
        excluded=excluded.get(article_id, set()),
        article_id=article_id,
        limit=stored_limit(),
    )
    # Its own page is purged by the publication itself (cache signals); the lists below are not.
    links_write({article_id: own}, purge=False)
    profile.save(update_fields=["floor"])
    summary.own = len(own)

    # The other direction: lists this story now outranks an entry of, and lists that held it.
    holders = set(
        RelatedLink.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    entering = {
        other.article_id: (entry, other)
        for entry, other in found
        if entry.score > other.floor and entry.score >= entry_minimum(entry)
    }
    if entering:
        summary.inserted_into = _lists_insert(
            article_id=article_id, vector=vector, simhash=profile.simhash, entering=entering
        )
    stale = holders - set(entering)
    if stale:
        _lists_recompute(list(RelatedProfile.objects.filter(pk__in=stale)))
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


def _lists_insert(
    *,
    article_id: int,
    vector: dict[str, float],
    simhash: int,
    entering: dict[int, tuple[Entry, RelatedProfile]],
) -> int:
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
    pins, excluded = choices_read(list(entering))
    lists: dict[int, list[Entry]] = {}
    floors = []
    for other_id, (entry, other) in entering.items():
        if article_id in excluded.get(other_id, set()):
            continue
        # The other list sees this story from its side: reasons are symmetric, the score too.
        mine = entry_scored(
            related_id=article_id,
            a=other.vector,
            b=vector,
            days=entry.reasons["days_apart"],
            simhash=simhash,
            cosine=entry.cosine,
            semantic=entry.semantic,
        )
        entries, other.floor = entries_rank(
            own_simhash=other.simhash,
            entries=[*current[other_id], mine],
            pins=pins.get(other_id, []),
            excluded=excluded.get(other_id, set()),
            article_id=other_id,
            limit=stored_limit(),
        )
        lists[other_id] = entries
        floors.append(other)
    links_write(lists)
    RelatedProfile.objects.bulk_update(floors, ["floor"])
    return len(lists)


def _lists_recompute(profiles: list[RelatedProfile], *, skip: int | None = None) -> None:
    """Recompute the lists of the given profiled articles from scratch (never listing `skip`)."""
    if not profiles:
        return
    pins, excluded = choices_read(p.article_id for p in profiles)
    lists: dict[int, list[Entry]] = {}
    floors: list[RelatedProfile] = []
    for profile in profiles:
        found = [
            entry
            for entry, _ in candidates_find(
                vector=profile.vector,
                published_at=profile.published_at,
                exclude=profile.article_id,
                embedding=semantic.embedding_from_bytes(profile.embedding),
            )
            if entry.related_id != skip
        ]
        entries, profile.floor = entries_rank(
            own_simhash=profile.simhash,
            entries=found,
            pins=[pk for pk in pins.get(profile.article_id, []) if pk != skip],
            excluded=excluded.get(profile.article_id, set()),
            article_id=profile.article_id,
            limit=stored_limit(),
        )
        lists[profile.article_id] = entries
        floors.append(profile)
    links_write(lists)
    RelatedProfile.objects.bulk_update(floors, ["floor"])


@transaction.atomic
def related_article_withdraw(*, article_id: int) -> RefreshSummary:
    """Remove an unpublished or deleted article from the engine and refill the lists that held it."""
    holders = set(
        RelatedLink.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    profile = RelatedProfile.objects.filter(pk=article_id).first()
    if profile is not None:
        document_frequencies_remove(list(profile.vector))
        profile.delete()
    RelatedPosting.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.filter(related_id=article_id).delete()
    holders.discard(article_id)
    _lists_recompute(list(RelatedProfile.objects.filter(pk__in=holders)), skip=article_id)
    return RefreshSummary(article_id=article_id, refilled=len(holders), removed=True)


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
        _lists_recompute([profile])
    return choice
