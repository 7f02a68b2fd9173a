"""Rebuild every profile, the archive's statistics, the inverted index and every stored list.

The steps, each in its own module: profile the archive in forked worker processes (`profiling`),
arrange it for the list workers (`state`), search each story's age window (`search`) and rank its
list (`lists`) in the workers, write each block whole and settle the archive (`writing`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import numpy as np
from django.db import connection
from django.utils import timezone

from dateline.related import engine
from dateline.related.config import rebuild_workers, related_mode, stored_limit, window_days
from dateline.related.ranking import choices_read
from dateline.related.reading import ArchiveItem, article_items
from dateline.related.rebuild.profiling import ProfiledArchive, archive_profile, embeddings_for
from dateline.related.rebuild.search import approximate_prepare
from dateline.related.rebuild.state import DEFAULT_TUNING, RebuildState, RebuildTuning
from dateline.related.rebuild.summary import RebuildSummary, StageClock
from dateline.related.rebuild.writing import archive_settle, lists_store, storage_in_use

__all__ = ["RebuildSummary", "RebuildTuning", "related_rebuild"]

logger = logging.getLogger(__name__)

# Below this many stories, starting worker processes costs more than it saves.
SMALL_ARCHIVE = 2000


def related_rebuild(
    *,
    items: Iterable[ArchiveItem] | None = None,
    progress: Callable[[str, int], None] | None = None,
    block: int = 2048,
    workers: int | None = None,
    encode_progress: Callable[[int], None] | None = None,
    exact: bool = False,
    recall_sample: int = 0,
    tuning: RebuildTuning = DEFAULT_TUNING,
) -> RebuildSummary:
    """Recompute every profile, the archive's statistics, the index and every stored list.

    Each article is compared with the articles of its age window by sparse matrix products over
    the date-sorted archive, `block` articles at a time, in `workers` processes. In lexical mode
    the search leaves out the archive's most common features (sections, wire names, "said"...)
    and rescores the best candidates with the full vectors (`search.approximate_candidates`;
    `tuning` sets how, see `RebuildTuning`); `exact`, or semantic mode, compares every pair of the
    window instead. `recall_sample` stories, spread over the archive, are also searched exactly,
    and the summary's `recall` says how many of their exact top 10 the search found.
    `items` defaults to all live, public articles and may be a generator (the scale benchmark
    streams its archive). `progress(stage, n)` is told of each batch of articles profiled
    ("profiles") and listed ("lists", once the block is written); an exception it raises stops
    the rebuild as an interruption would.

    Safe to interrupt and re-run: each block's profiles, index entries and lists are replaced
    together in one transaction, so an interrupted run leaves every article with its old or its new
    list, never a broken one; stories that are no longer live and the statistics are settled at the
    end, and a re-run recomputes everything.

    In semantic mode every story is first embedded (`encode_progress` counts them; stored
    embeddings of unchanged stories are reused) and lists are ranked by the blended score.
    """
    summary = RebuildSummary(mode=related_mode())
    clock = StageClock(summary.stages)
    rebuild_started = timezone.now()
    logger.info("Related News rebuild in %s mode", summary.mode)
    if items is None:
        items = article_items()
    embeddings: np.ndarray | None = None
    embedding_keys: list[str] = []
    if summary.mode == engine.SEMANTIC:
        items = list(items)
        embeddings, embedding_keys = embeddings_for(items, progress=encode_progress)
    summary.workers = _workers_for(items) if workers is None else workers

    archive = archive_profile(items, workers=summary.workers, progress=progress, clock=clock)
    summary.articles, summary.features = archive.size, len(archive.names)
    state = _state_build(
        archive, embeddings, exact=exact, recall_sample=recall_sample, tuning=tuning
    )
    if state.approximate is not None:
        summary.search = "approximate"
        summary.common_features = state.approximate.common_features
    keys_by_id = (
        dict(zip(archive.ids.tolist(), embedding_keys, strict=True)) if embedding_keys else {}
    )
    clock.end("weights")

    had_rows = storage_in_use()
    lists_store(
        state,
        had_rows=had_rows,
        mode=summary.mode,
        embedding_keys=keys_by_id,
        block=block,
        workers=summary.workers,
        progress=progress,
        summary=summary,
        clock=clock,
    )
    # Building the index deferred above (into empty storage) is timed on its own.
    clock.end("indexes")

    archive_settle(
        had_rows=had_rows, rebuild_started=rebuild_started, names=archive.names, df=archive.df
    )
    summary.seconds = clock.end("finish")
    return summary


def _workers_for(items: Iterable[ArchiveItem]) -> int:
    """Return how many processes to use: one for a small newsroom's archive, else the setting."""
    small = isinstance(items, list) and len(items) < SMALL_ARCHIVE
    return 1 if small else rebuild_workers()


def _state_build(
    archive: ProfiledArchive,
    embeddings: np.ndarray | None,
    *,
    exact: bool,
    recall_sample: int,
    tuning: RebuildTuning,
) -> RebuildState:
    """Arrange the profiled archive for the list workers: in date order, with the editors' choices.

    Lexical mode searches approximately unless `exact`; semantic mode (`embeddings`, in profiling
    order) always scores every pair of a window.
    """
    size = archive.size
    sorted_micros = archive.micros[archive.order]
    sorted_ids = archive.ids[archive.order]
    approximate = None
    if not exact and embeddings is None:
        approximate = approximate_prepare(archive.matrix, tuning=tuning)
    pins, excluded = choices_read(None, live=set(sorted_ids.tolist()))
    return RebuildState(
        matrix=archive.matrix,
        names=archive.names,
        days=sorted_micros / 86_400e6,
        micros=sorted_micros,
        ids=sorted_ids,
        id_list=sorted_ids.tolist(),
        simhashes=archive.simhashes[archive.order].tolist(),
        window=window_days(),
        limit=stored_limit(),
        pins=pins,
        excluded=excluded,
        sqlite=connection.vendor == "sqlite",
        embeddings=embeddings[archive.order] if embeddings is not None else None,
        approximate=approximate,
        keep=tuning.keep(stored_limit()),
        recall_every=max(1, size // recall_sample) if recall_sample and size else 0,
    )
