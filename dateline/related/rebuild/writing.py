"""Steps 3 and 4 of a rebuild, in the parent: each block's rows written whole, then the archive settled.

Each block's profiles, postings and list rows are written in one transaction, so an interrupted run
leaves every article with its whole old or its whole new list. Into empty storage the secondary
indexes are dropped first and built once at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from dateline.core import cachetags
from dateline.core.cachetags import cache_tags_purge
from dateline.related import semantic
from dateline.related.models import RelatedLink, RelatedPosting, RelatedProfile, RelatedTerm
from dateline.related.rebuild.lists import BlockLists, lists_block
from dateline.related.rebuild.pool import heap_release, pool_map
from dateline.related.rebuild.state import RebuildState
from dateline.related.rebuild.summary import RebuildSummary, StageClock
from dateline.related.storage import (
    LINK_COLUMNS,
    db_datetime,
    indexes_deferred,
    rows_delete,
    rows_execute,
    rows_insert,
    table_clear,
)

PROFILE_COLUMNS = (
    "article_id",
    "published_at",
    "vector",
    "simhash",
    "floor",
    "mode",
    "computed_at",
)
POSTING_COLUMNS = ("term", "article_id", "published_at", "weight")


def storage_in_use() -> bool:
    """Return whether the engine's tables hold rows already (a rebuild, not a first load)."""
    return any(model.objects.exists() for model in (RelatedProfile, RelatedPosting, RelatedLink))


def lists_store(
    state: RebuildState,
    *,
    had_rows: bool,
    mode: str,
    embedding_keys: dict[int, str],
    block: int,
    workers: int,
    progress: Callable[[str, int], None] | None,
    summary: RebuildSummary,
    clock: StageClock,
) -> None:
    """Compute every block's lists in `workers` processes and write each block as it comes back.

    `clock` is told when the lists are written, before the indexes deferred for the load are built.
    """
    # The list workers are forked now and start with this process's resident memory: hand what
    # profiling left free back first.
    heap_release()
    size = len(state.id_list)
    now = db_datetime(timezone.now(), sqlite=state.sqlite)
    blocks = [(b, min(b + block, size)) for b in range(0, size, block)]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB of pages for the bulk load
    with (
        indexes_deferred([RelatedPosting, RelatedLink], defer=size > 0 and not had_rows),
        contextlib.closing(pool_map(lists_block, state, blocks, workers=workers)) as results,
    ):
        for (begin, end), result in zip(blocks, results, strict=True):
            _block_write(
                state,
                begin,
                end,
                result,
                had_rows=had_rows,
                mode=mode,
                now=now,
                embedding_keys=embedding_keys,
            )
            summary.links += len(result.links)
            summary.recall_hits += result.recall_hits
            summary.recall_total += result.recall_total
            summary.recall_checked += result.recall_checked
            summary.empty_lists += result.empty
            summary.exact_fallbacks += result.exact_fallbacks
            if progress is not None:
                progress("lists", end - begin)
        clock.end("lists")


def _block_write(
    state: RebuildState,
    begin: int,
    end: int,
    result: BlockLists,
    *,
    had_rows: bool,
    mode: str,
    now: dt.datetime | str,
    embedding_keys: dict[int, str],
) -> None:
    """Replace the profiles, postings and lists of rows `[begin, end)` in one transaction."""
    profile_table = RelatedProfile._meta.db_table
    posting_table = RelatedPosting._meta.db_table
    link_table = RelatedLink._meta.db_table
    block_ids = state.ids[begin:end].tolist()
    with transaction.atomic():
        if had_rows:
            rows_delete(profile_table, "article_id", block_ids)
            rows_delete(posting_table, "article_id", block_ids)
            rows_delete(link_table, "article_id", block_ids)
        rows_insert(profile_table, PROFILE_COLUMNS, [(*p, mode, now) for p in result.profiles])
        if state.embeddings is not None:
            embeddings = state.embeddings
            rows_execute(
                f"UPDATE {profile_table} SET embedding = %s, embedding_key = %s "  # noqa: S608 (table names from code; values are params)
                "WHERE article_id = %s",
                [
                    (semantic.embedding_to_bytes(embeddings[begin + i]), embedding_keys[pk], pk)
                    for i, pk in enumerate(block_ids)
                ],
            )
        rows_insert(posting_table, POSTING_COLUMNS, result.postings)
        rows_insert(link_table, LINK_COLUMNS, result.links)


def archive_settle(
    *, had_rows: bool, rebuild_started: dt.datetime, names: list[str], df: np.ndarray
) -> None:
    """Remove the stories no longer live, store the archive's statistics, refresh the planner's.

    Stories not profiled by this rebuild (started at `rebuild_started`) leave with their rows;
    `names` and `df` are every feature and its document frequency.
    """
    profile_table = RelatedProfile._meta.db_table
    posting_table = RelatedPosting._meta.db_table
    link_table = RelatedLink._meta.db_table
    with transaction.atomic():
        if had_rows:
            RelatedProfile.objects.filter(computed_at__lt=rebuild_started).delete()
            with connection.cursor() as cursor:
                for table in (posting_table, link_table):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE article_id NOT IN "  # noqa: S608 (table names from code; values are params)
                        f"(SELECT article_id FROM {profile_table})"
                    )
        table_clear(RelatedTerm)
        rows_insert(
            RelatedTerm._meta.db_table,
            ("term", "df"),
            [(name[:255], int(count)) for name, count in zip(names, df.tolist(), strict=True)],
        )
    # Every list may have changed: every page showing one is purged once the rebuild commits.
    cache_tags_purge([cachetags.ALL])
    # Fresh statistics for the query planner after a bulk load.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (profile_table, posting_table, link_table, RelatedTerm._meta.db_table):
                cursor.execute(f"ANALYZE {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
