"""The engine's weighting in array form, for rebuilding a whole archive at once.

`engine.profile_vector` weighs one story at a time in Python; a rebuild of a million stories needs the
same arithmetic over arrays. `rows_weigh` is that function over a sparse matrix of feature counts: the
same `(1 + log tf) × idf × kind weight`, the same caps (strongest terms and names kept, ties broken
by feature name), the same L2 normalisation and rounding. The logarithms are taken with `math.log`
on the distinct counts and document frequencies, so the weights are bit for bit the engine's; only the
sum inside the norm is added in another order, which can move a stored value by at most 1e-6.
`dateline/related/tests/test_arrays.py` checks the two agree on real texts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from dateline.related import engine

TERM, NAME, TAG, SECTION = 0, 1, 2, 3
_KIND_CODE = {engine.NAME: NAME, engine.TAG: TAG, engine.SECTION: SECTION}
KIND_WEIGHTS = np.array(
    [
        engine.KIND_WEIGHT["term"],
        engine.KIND_WEIGHT[engine.NAME],
        engine.KIND_WEIGHT[engine.TAG],
        engine.KIND_WEIGHT[engine.SECTION],
    ]
)


def feature_kinds(vocabulary: Sequence[str]) -> np.ndarray:
    """Return each feature's kind code (term, name, tag, section) as an int8 array."""
    return np.fromiter(
        (_KIND_CODE.get(feature[:1], TERM) for feature in vocabulary),
        dtype=np.int8,
        count=len(vocabulary),
    )


def feature_order(vocabulary: Sequence[str]) -> np.ndarray:
    """Return each feature's position in sorted order, the engine's tie-break between equal weights."""
    ranks = np.empty(len(vocabulary), dtype=np.int64)
    ranks[sorted(range(len(vocabulary)), key=vocabulary.__getitem__)] = np.arange(len(vocabulary))
    return ranks


def idf_table(df: np.ndarray, *, documents: int) -> np.ndarray:
    """Return `engine.idf` for every feature's document frequency, computed as the engine does."""
    log_documents = math.log(documents + 1)
    distinct, inverse = np.unique(df, return_inverse=True)
    values = np.array([log_documents - math.log(int(d) + 1) + 1 for d in distinct])
    return values[inverse] if len(distinct) else np.zeros(0)


def rows_weigh(
    *,
    indptr: np.ndarray,
    cols: np.ndarray,
    counts: np.ndarray,
    idf: np.ndarray,
    kinds: np.ndarray,
    order: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weigh rows of feature counts as `engine.profile_vector` does; return a CSR (indptr, cols, values).

    Each output row holds the kept features of one story, strongest first (ties by feature name),
    with L2-normalised weights rounded to 6 decimals. `idf`, `kinds` and `order` are per-feature
    tables (see `idf_table`, `feature_kinds`, `feature_order`).
    """
    indptr = np.asarray(indptr, dtype=np.int64)
    rows_count = len(indptr) - 1
    if rows_count <= 0 or len(cols) == 0:
        return np.zeros(max(rows_count, 0) + 1, dtype=np.int64), np.zeros(0, np.int32), np.zeros(0)
    rows = np.repeat(np.arange(rows_count), np.diff(indptr))
    counts = np.asarray(counts, dtype=np.int64)
    tf = np.array([1.0 + math.log(c) if c > 0 else 1.0 for c in range(int(counts.max()) + 1)])
    kind = kinds[cols]
    # The engine multiplies in this order: ((1 + log tf) × idf) × kind weight.
    weight = tf[counts] * idf[cols] * KIND_WEIGHTS[kind]
    # Terms and names are capped; tags and sections are always kept.
    group = np.minimum(kind, 2)
    ranked = np.lexsort((order[cols], -weight, group, rows))
    run_key = rows[ranked] * 3 + group[ranked]
    starts = np.flatnonzero(np.r_[True, run_key[1:] != run_key[:-1]])
    position = np.arange(len(ranked)) - np.repeat(starts, np.diff(np.r_[starts, len(ranked)]))
    cap = np.array([engine.MAX_TERMS, engine.MAX_NAMES, np.iinfo(np.int64).max])[group[ranked]]
    kept = ranked[position < cap]
    kept = kept[np.lexsort((order[cols[kept]], -weight[kept], rows[kept]))]
    kept_rows = rows[kept]
    norms = np.sqrt(np.bincount(kept_rows, weights=weight[kept] ** 2, minlength=rows_count))
    values = np.round(weight[kept] / norms[kept_rows], 6)
    out_indptr = np.zeros(rows_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(kept_rows, minlength=rows_count), out=out_indptr[1:])
    return out_indptr, cols[kept].astype(np.int32), values
