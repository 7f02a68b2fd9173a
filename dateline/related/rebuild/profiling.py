"""Steps 1 and 2 of a rebuild: count every story's features in worker processes, then weigh them.

Semantic mode first embeds the stories whose stored embedding is missing or stale
(`embeddings_for`).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dateline.related import arrays, engine, semantic
from dateline.related.models import RelatedProfile
from dateline.related.reading import ArchiveItem
from dateline.related.rebuild.pool import batches, pool_map
from dateline.related.rebuild.state import micros_from
from dateline.related.rebuild.summary import StageClock

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# Stories per profiling task, and rows per weighing task.
PROFILE_BATCH = 500
WEIGH_BATCH = 20_000


def embeddings_for(
    items: list[ArchiveItem], *, progress: Callable[[int], None] | None = None, batch: int = 64
) -> tuple[np.ndarray, list[str]]:
    """Return every item's embedding and key, encoding only stories whose stored key is stale.

    Stored embeddings are reused when their key (model and text fingerprint) still matches, so an
    interrupted or repeated rebuild does not encode the archive again.
    """
    keys = [semantic.embedding_key(item.story) for item in items]
    stored: dict[int, tuple[str, bytes | memoryview | None]] = {}
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


@dataclass
class ProfiledBatch:
    """A batch of counted stories, as a worker returns it: arrays, and each feature named once."""

    ids: array[int]
    micros: array[int]
    simhashes: array[int]
    # Features per story (row lengths), then each story's feature numbers and counts in a row.
    lengths: array[int]
    cols: array[int]
    counts: array[int]
    # The batch's own numbering: feature number n is features[n].
    features: list[str]


def profile_batch(_state: None, batch: list[ArchiveItem]) -> ProfiledBatch:
    """Count the features of a batch of stories (in a worker): ids, dates, counts, SimHashes.

    Features are numbered within the batch, so the parent maps each distinct name once instead of
    every occurrence, and the result crosses the process boundary as arrays.
    """
    numbers: dict[str, int] = {}
    out = ProfiledBatch(array("q"), array("q"), array("q"), array("q"), array("i"), array("i"), [])
    for item in batch:
        profile = engine.story_profile(item.story)
        out.ids.append(item.article_id)
        out.micros.append(micros_from(item.published_at))
        out.simhashes.append(profile.simhash)
        out.lengths.append(len(profile.counts))
        out.cols.extend([numbers.setdefault(f, len(numbers)) for f in profile.counts])
        out.counts.extend(profile.counts.values())
    out.features = list(numbers)
    return out


@dataclass
class _Counted:
    """Every story's feature counts as the batches came back, features numbered archive-wide."""

    ids: array[int]
    micros: array[int]
    simhashes: array[int]
    lengths: array[int]
    cols: array[int]
    counts: array[int]
    names: list[str]


def _features_count(
    items: Iterable[ArchiveItem],
    *,
    workers: int,
    progress: Callable[[str, int], None] | None,
) -> _Counted:
    """Count every story's features in `workers` processes and give each feature an integer id."""
    out = _Counted(array("q"), array("q"), array("q"), array("q"), array("i"), array("i"), [])
    vocabulary: dict[str, int] = {}
    for batch in pool_map(profile_batch, None, batches(items, PROFILE_BATCH), workers=workers):
        out.ids.extend(batch.ids)
        out.micros.extend(batch.micros)
        out.simhashes.extend(batch.simhashes)
        out.lengths.extend(batch.lengths)
        numbers = np.fromiter(
            (vocabulary.setdefault(f, len(vocabulary)) for f in batch.features),
            dtype=np.int32,
            count=len(batch.features),
        )
        out.cols.frombytes(numbers[np.frombuffer(batch.cols, dtype=np.int32)].tobytes())
        out.counts.extend(batch.counts)
        if progress is not None:
            progress("profiles", len(batch.ids))
    out.names = list(vocabulary)
    return out


@dataclass(frozen=True, eq=False)
class Weighing:
    """What the weighing workers share: the archive's feature counts and the engine's tables."""

    # Feature counts, one row per story in profiling order, and those rows in date order.
    counts: csr_matrix
    order: np.ndarray
    # Per feature: its idf, its kind, and its rank among features by name (for ties).
    idf: np.ndarray
    kinds: np.ndarray
    feature_order: np.ndarray


def weigh_batch(
    weighing: Weighing, bounds: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weigh rows `bounds` of the date-sorted archive (in a worker) with the engine's arithmetic."""
    counts = weighing.counts[weighing.order[bounds[0] : bounds[1]]]
    indptr, cols, values = arrays.rows_weigh(
        indptr=counts.indptr,
        cols=counts.indices,
        counts=counts.data,
        idf=weighing.idf,
        kinds=weighing.kinds,
        order=weighing.feature_order,
    )
    return indptr, cols, values.astype(np.float32)


def _parts_join(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], *, size: int, columns: int
) -> csr_matrix:
    """Join the weighing workers' row ranges, in order, into one CSR matrix."""
    from scipy import sparse

    indptr = np.zeros(size + 1, dtype=np.int64)
    offset = 0
    row = 0
    for part_indptr, _, _ in parts:
        indptr[row + 1 : row + len(part_indptr)] = part_indptr[1:] + offset
        offset += int(part_indptr[-1])
        row += len(part_indptr) - 1
    return sparse.csr_matrix(
        (
            np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.float32),
            np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int32),
            indptr,
        ),
        shape=(size, columns),
    )


@dataclass(frozen=True, eq=False)
class ProfiledArchive:
    """Every story profiled: ids, dates and SimHashes in profiling order, vectors in date order."""

    ids: np.ndarray
    micros: np.ndarray
    simhashes: np.ndarray
    # Profiling positions in date order (ties by id): row n of `matrix` is story order[n].
    order: np.ndarray
    # The weighted vectors (float32), the feature of each column, and its document frequency.
    matrix: csr_matrix
    names: list[str]
    df: np.ndarray

    @property
    def size(self) -> int:
        """How many stories were profiled."""
        return len(self.ids)


def archive_profile(
    items: Iterable[ArchiveItem],
    *,
    workers: int,
    progress: Callable[[str, int], None] | None,
    clock: StageClock,
) -> ProfiledArchive:
    """Profile every story: count its features in parallel (step 1), then weigh them (step 2).

    The counts become a CSR matrix weighed by `arrays.rows_weigh`, the array form of
    `engine.profile_vector`, in date order and as float32. `clock` is told when counting ends.
    """
    from scipy import sparse

    counted = _features_count(items, workers=workers, progress=progress)
    clock.end("profiles")
    size, names = len(counted.ids), counted.names
    ids = np.frombuffer(counted.ids, dtype=np.int64)
    micros = np.frombuffer(counted.micros, dtype=np.int64)
    simhashes = np.frombuffer(counted.simhashes, dtype=np.int64)
    counts = sparse.csr_matrix(
        (
            np.frombuffer(counted.counts, dtype=np.int32),
            np.frombuffer(counted.cols, dtype=np.int32),
            np.r_[0, np.cumsum(np.frombuffer(counted.lengths, dtype=np.int64))],
        ),
        shape=(size, max(1, len(names))),
    )
    df = np.bincount(counts.indices, minlength=len(names))
    order = np.lexsort((ids, micros))
    weighing = Weighing(
        counts=counts,
        order=order,
        idf=arrays.idf_table(df, documents=size),
        kinds=arrays.feature_kinds(names),
        feature_order=arrays.feature_order(names),
    )
    parts = list(
        pool_map(
            weigh_batch,
            weighing,
            [(b, min(b + WEIGH_BATCH, size)) for b in range(0, size, WEIGH_BATCH)],
            workers=workers if size > WEIGH_BATCH else 1,
        )
    )
    # The counts (and the arrays under them) are the largest objects left after profiling: they go
    # before the weighted matrix is assembled, which keeps the peak memory of a large rebuild down.
    del counted, counts, weighing
    matrix = _parts_join(parts, size=size, columns=max(1, len(names)))
    return ProfiledArchive(
        ids=ids, micros=micros, simhashes=simhashes, order=order, matrix=matrix, names=names, df=df
    )
