"""Step 3 of a rebuild, in a worker: the profiles, postings and ranked lists of one block of stories.

Each row's candidates come from `search.approximate_candidates` (lexical mode) or, in exact or
semantic mode, from every story of its age window (`search.dense_candidates`); the best few by the
engine's arithmetic are ranked by `ranking.entries_rank` (pins, exclusions, copies), as on publish.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dateline.related import engine
from dateline.related.index import key_features
from dateline.related.ranking import Entry, entries_rank
from dateline.related.rebuild.search import (
    approximate_candidates,
    dense_candidates,
    exact_row,
    top_exact,
    window_bounds,
)
from dateline.related.rebuild.state import RebuildState, datetime_from
from dateline.related.storage import LinkRow, db_datetime, link_row

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# Rows searched together: one product of this many stories with their whole window.
SLICE = 256

# The rows a block writes (dates already in the database's form): profiles and postings.
ProfileRow = tuple[int, dt.datetime | str, str, int, float]
PostingRow = tuple[str, int, dt.datetime | str, float]
# Per row of a slice: candidates' positions in the window, their lexical cosines (float32) and, in
# semantic mode, their embedding cosines.
Found = tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray | None]]


@dataclass
class BlockLists:
    """What a worker computed for one block: the rows to write, and what the summary counts."""

    profiles: list[ProfileRow] = field(default_factory=list)
    postings: list[PostingRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    empty: int = 0
    exact_fallbacks: int = 0
    recall_hits: int = 0
    recall_total: int = 0
    recall_checked: int = 0


class _Window:
    """The stories of a block's age window, rows `[lo, hi)`, transposed once for all its slices."""

    def __init__(self, state: RebuildState, start: int, stop: int) -> None:
        self.state = state
        self.lo, self.hi = window_bounds(state, start, stop)
        search = state.approximate
        # The columns the search multiplies by: the uncommon features when approximate.
        self.searched: csr_matrix = (search.rare if search else state.matrix)[
            self.lo : self.hi
        ].T.tocsr()
        self._whole: csr_matrix | None = None if search else self.searched

    def whole(self) -> csr_matrix:
        """Return every feature of the window, transposed, for exact search (made when first needed)."""
        if self._whole is None:
            self._whole = self.state.matrix[self.lo : self.hi].T.tocsr()
        return self._whole


def lists_block(state: RebuildState, bounds: tuple[int, int]) -> BlockLists:
    """Compute the profiles, postings and lists of rows `bounds` (in a worker).

    On the rows chosen for the recall check, the candidate search is also compared with exact
    search. Returns the rows to write and the counts for the summary.
    """
    start, stop = bounds
    window = _Window(state, start, stop)
    out = BlockLists()
    for sub in range(start, stop, SLICE):
        sub_stop = min(sub + SLICE, stop)
        found_cols, found_cos, found_sem = _slice_candidates(state, window, sub, sub_stop, out)
        for row in range(sub_stop - sub):
            _row_list(
                state, window, sub + row, found_cols[row], found_cos[row], found_sem[row], out
            )
    return out


def _slice_candidates(
    state: RebuildState, window: _Window, sub: int, sub_stop: int, out: BlockLists
) -> Found:
    """Find the candidates of rows `[sub, sub_stop)`, approximately when the state says so."""
    search = state.approximate
    if search is None:
        return dense_candidates(
            state, np.arange(sub, sub_stop), window.lo, window.hi, window.searched
        )
    found_cols, found_cos, short = approximate_candidates(
        state, search, sub, sub_stop, window.lo, window.hi, window.searched
    )
    found_sem: list[np.ndarray | None] = [None] * (sub_stop - sub)
    if short:
        # Rows with too few candidates are searched exactly, together: one at a time,
        # an archive of stories sharing mostly common words took four times as long.
        cols, cosines, _ = dense_candidates(
            state, sub + np.asarray(short), window.lo, window.hi, window.whole()
        )
        for row, row_cols, row_cosines in zip(short, cols, cosines, strict=True):
            found_cols[row], found_cos[row] = row_cols, row_cosines
        out.exact_fallbacks += len(short)
    return found_cols, found_cos, found_sem


def _row_list(
    state: RebuildState,
    window: _Window,
    index: int,
    cols: np.ndarray,
    cos: np.ndarray,
    sems: np.ndarray | None,
    out: BlockLists,
) -> None:
    """Score row `index`'s candidates exactly, rank its list and add its rows to `out`."""
    days, keep = state.days, state.keep
    article_id = state.id_list[index]
    others = window.lo + cols
    # The scores are worked out again exactly as engine.score does (time factor element
    # by element: the same operations and numbers), from the float32 cosines.
    gaps = np.abs(days[others] - days[index])
    factors = engine.time_factor(days_apart=gaps, window_days=state.window)
    cosines = cos.astype(np.float64)
    scores = (engine.blend(cosines, sems) if sems is not None else cosines) * factors
    best = np.arange(len(scores))
    if len(scores) > keep:
        best = np.argpartition(-scores, keep - 1)[:keep]
    best = best[scores[best] > 0]
    if state.recall_every and index % state.recall_every == 0:
        _recall_check(state, window, index, cols[best], out)
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
        related = state.id_list[other]
        similarity = float(engine.blend(cosine, sem))
        entry = Entry(related, round(similarity * factor, 6), cosine, state.simhashes[other])
        if sem is not None:
            entry.semantic = sem
            entry.reasons = {"semantic_similarity": round(sem, 4)}
        entries.append(entry)
        days_apart[related] = gap_days
    chosen, floor = entries_rank(
        own_simhash=state.simhashes[index],
        entries=entries,
        pins=state.pins.get(article_id, []),
        excluded=state.excluded.get(article_id, set()),
        article_id=article_id,
        limit=state.limit,
    )
    for entry in chosen:
        if entry.related_id in days_apart:
            entry.reasons = {
                "days_apart": round(days_apart[entry.related_id]),
                "text_similarity": round(entry.cosine, 4),
                **entry.reasons,
            }
    out.empty += not chosen
    vector = row_vector(state, index)
    published_at = db_datetime(datetime_from(int(state.micros[index])), sqlite=state.sqlite)
    out.profiles.append(
        (article_id, published_at, json.dumps(vector), state.simhashes[index], floor)
    )
    out.postings.extend(
        (term[:255], article_id, published_at, weight) for term, weight in key_features(vector)
    )
    out.links.extend(
        link_row(article_id, rank, entry) for rank, entry in enumerate(chosen, start=1)
    )


def _recall_check(
    state: RebuildState, window: _Window, index: int, kept: np.ndarray, out: BlockLists
) -> None:
    """Count how many of row `index`'s exact top 10 the search kept (`kept`: window positions)."""
    _, exact_scores = exact_row(state, index, window.lo, window.hi)
    truth = top_exact(exact_scores, 10)
    # The same exact scores, over the stories the search kept: what it missed.
    mine = np.zeros(window.hi - window.lo)
    mine[kept] = exact_scores[kept]
    out.recall_hits += len(truth & top_exact(mine, 10))
    out.recall_total += len(truth)
    out.recall_checked += 1


def row_vector(state: RebuildState, index: int) -> dict[str, float]:
    """Return row `index` of the weighted matrix as the engine's sparse vector (feature -> weight)."""
    matrix, names = state.matrix, state.names
    begin, end = matrix.indptr[index], matrix.indptr[index + 1]
    # float32 holds a 6-decimal weight closely enough to give the same value back when rounded.
    values = np.round(matrix.data[begin:end].astype(np.float64), 6).tolist()
    return {
        names[col]: value
        for col, value in zip(matrix.indices[begin:end].tolist(), values, strict=True)
    }
