"""The rebuild's candidate search: each story against the stories of its age window.

Lexical mode searches approximately (`approximate_candidates`: the archive's most common features
left out of the products, the best partial scores rescored exactly); exact search and semantic mode
score every pair of the window (`dense_candidates`). `exact_row` is the exact search of one story,
for the recall check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dateline.related import engine
from dateline.related.rebuild.state import ApproximateSearch, RebuildState, RebuildTuning

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix


def columns_drop(matrix: csr_matrix, columns: np.ndarray) -> csr_matrix:
    """Return a copy of a CSR matrix without the entries in the flagged `columns` (row order kept)."""
    from scipy import sparse

    kept = ~columns[matrix.indices]
    # Entries kept before each row boundary: the new row pointers.
    indptr = np.r_[0, np.cumsum(kept, dtype=np.int64)][matrix.indptr]
    return sparse.csr_matrix((matrix.data[kept], matrix.indices[kept], indptr), shape=matrix.shape)


def approximate_prepare(matrix: csr_matrix, *, tuning: RebuildTuning) -> ApproximateSearch:
    """Split the archive's vectors into their uncommon and common features for the search.

    A feature is common when more than `tuning.common_share` of the stories (and at least
    `tuning.common_min`) carry it: the sections, the wire's name, "said", "mln"...
    """
    postings = np.bincount(matrix.indices, minlength=matrix.shape[1])
    common = postings > max(tuning.common_share * matrix.shape[0], tuning.common_min)
    return ApproximateSearch(
        rare=columns_drop(matrix, common),
        common=columns_drop(matrix, ~common),
        candidates=tuning.candidates,
        common_features=int(common.sum()),
    )


def window_bounds(state: RebuildState, start: int, stop: int) -> tuple[int, int]:
    """Return the date-sorted rows `[lo, hi)` inside the age window of rows `[start, stop)`."""
    days, window = state.days, state.window
    if not window:
        return 0, len(days)
    lo = int(np.searchsorted(days, days[start] - window, side="left"))
    hi = int(np.searchsorted(days, days[stop - 1] + window, side="right"))
    return lo, hi


def exact_row(state: RebuildState, index: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Score row `index` against every row of `[lo, hi)` exactly: (cosines, scores), self at 0."""
    matrix, days, window = state.matrix, state.days, state.window
    cos = np.asarray((matrix[lo:hi] @ matrix[index].T).todense()).ravel()
    scores = cos.astype(np.float64)
    if window:
        scores = scores * engine.time_factor(
            days_apart=days[lo:hi] - days[index], window_days=window
        )
    scores[index - lo] = 0.0
    return cos, scores


def top_exact(scores: np.ndarray, count: int) -> set[int]:
    """Return the positions of the `count` best positive scores (ties by position)."""
    best = np.argsort(-scores, kind="stable")[:count]
    return set(best[scores[best] > 0].tolist())


def approximate_candidates(
    state: RebuildState,
    search: ApproximateSearch,
    sub: int,
    sub_stop: int,
    lo: int,
    hi: int,
    right_rare: csr_matrix,
) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
    """Find each row's candidates by the features that are not common, and score them exactly.

    The product of the rows' uncommon features with the window's (`right_rare`, transposed) is
    sparse; per row the `search.candidates` best partial scores (time factor applied) are
    rescored exactly by adding the common features' part. A row with fewer candidates than a list
    needs (a short story whose neighbours share only common features) is left for exact search.
    Returns, per row, the candidates' positions in the window and their cosines (float32), and the
    rows left for exact search.
    """
    days, window, wanted, count = state.days, state.window, state.keep, search.candidates
    product = search.rare[sub:sub_stop] @ right_rare
    indptr, cols, raw = product.indptr, product.indices, product.data
    rows = np.repeat(np.arange(sub_stop - sub), np.diff(indptr))
    partial = raw
    if window:
        partial = raw * engine.time_factor(
            days_apart=days[lo + cols] - days[sub + rows], window_days=window
        )
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
        common = search.common
        cosines = raw[positions] + np.asarray(
            common[sub + pair_rows].multiply(common[lo + pair_cols]).sum(axis=1), dtype=np.float32
        ).ravel().astype(raw.dtype)
        bounds = np.r_[0, np.cumsum([len(p) for p in picked])]
        for row in range(sub_stop - sub):
            found_cols[row] = pair_cols[bounds[row] : bounds[row + 1]].astype(np.int64)
            found_cos[row] = cosines[bounds[row] : bounds[row + 1]]
    return found_cols, found_cos, exact_rows


def dense_candidates(
    state: RebuildState, rows: np.ndarray, lo: int, hi: int, right: csr_matrix
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray | None]]:
    """Score `rows` (archive positions) against every story of the window and keep each row's best.

    Exact search (and semantic mode, where candidates sharing a feature are ranked by the blend of
    both cosines). Returns, per row, the kept stories' positions in the window, their lexical
    cosines (float32) and, in semantic mode, their embedding cosines.
    """
    days, window, keep = state.days, state.window, state.keep
    embeddings = state.embeddings  # semantic mode: float32 rows in date order
    # Dense from here on: most stories of a window share at least a section or a common
    # word, so the product is nearly full and whole-array arithmetic beats sparse indexing.
    cos_dense = (state.matrix[rows] @ right).toarray()
    # In float32, as the dense scores are: 0 outside the window, so those stories are never kept.
    factor_dense = engine.time_factor(
        days_apart=(days[lo:hi][None, :] - days[rows, None]).astype(np.float32),
        window_days=window,
    )
    sem_dense = None
    if embeddings is not None:
        sem_dense = embeddings[rows] @ embeddings[lo:hi].T
        dense = np.where(cos_dense > 0, engine.blend(cos_dense, sem_dense), 0.0) * factor_dense
    else:
        dense = cos_dense * factor_dense
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
