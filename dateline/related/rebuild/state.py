"""What a rebuild's list workers share: the archive as arrays in date order, and how to search it.

The workers are forked (`pool.pool_map`) and inherit one `RebuildState`; nothing of it is pickled.
Dates cross processes and arrays as microseconds since the epoch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.utils import timezone

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def micros_from(when: dt.datetime) -> int:
    """Return a date as microseconds since the epoch (a naive date is in the current time zone)."""
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return (when - EPOCH) // MICROSECOND


def datetime_from(micros: int) -> dt.datetime:
    """Return the aware UTC date `micros` microseconds after the epoch."""
    return EPOCH + dt.timedelta(microseconds=micros)


@dataclass(frozen=True)
class RebuildTuning:
    """How the lexical rebuild's approximate search trades exactness for speed.

    A feature found in more than `common_share` of the archive's stories (and in at least
    `common_min` of them) is left out of the search products, and each story's `candidates` best
    partial scores are rescored with the full vectors. Each story's `keep(limit)` best candidates
    (by score) go to `ranking.entries_rank`: room for copies, pins and exclusions. The defaults are
    the measured ones (recall@10 against exact search: docs/related.md, "Speed and scale"); tests
    change them to reach the paths a small archive would not take.
    """

    common_share: float = 0.03
    common_min: int = 500
    candidates: int = 100
    keep_factor: int = 3
    keep_extra: int = 5

    def keep(self, limit: int) -> int:
        """Return how many candidates of each story are ranked, for lists of `limit` stories."""
        return limit * self.keep_factor + self.keep_extra


DEFAULT_TUNING = RebuildTuning()


@dataclass(frozen=True, eq=False)
class ApproximateSearch:
    """The archive's vectors split for the approximate search (lexical mode): rare and common parts."""

    # Every story's uncommon features: the search products stay sparse with these alone.
    rare: csr_matrix
    # Its common features: their part of each candidate's cosine is added to the partial score.
    common: csr_matrix
    # Partial scores rescored exactly per story (`RebuildTuning.candidates`).
    candidates: int
    # How many features were found common (reported by the summary).
    common_features: int


@dataclass(frozen=True, eq=False)
class RebuildState:
    """The archive in date order, with everything a list worker needs to rank and store its block."""

    # The weighted vectors, one float32 row per story, and the feature of each column.
    matrix: csr_matrix
    names: list[str]
    # Each row's date in days (float64) and in microseconds (int64) since the epoch.
    days: np.ndarray
    micros: np.ndarray
    # Each row's article id, as an int64 array and as Python ints (read per candidate).
    ids: np.ndarray
    id_list: list[int]
    simhashes: list[int]
    # The age window in days (0 = none) and the length of a stored list.
    window: int
    limit: int
    # The editors' pins (in order) and exclusions per article.
    pins: dict[int, list[int]]
    excluded: dict[int, set[int]]
    # Dates are written as SQLite's text (see `storage.db_datetime`).
    sqlite: bool
    # Semantic mode: each row's embedding (float32, L2-normalised); None in lexical mode.
    embeddings: np.ndarray | None
    # Lexical mode's approximate search; None when every pair of a window is scored.
    approximate: ApproximateSearch | None
    # Candidates per story that go to the ranking (`RebuildTuning.keep`).
    keep: int
    # Every `recall_every`-th row is also searched exactly, for the recall check (0 = none).
    recall_every: int
