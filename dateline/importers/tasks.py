"""Importer work that runs in the worker: the one index rebuild after an import commits."""

from __future__ import annotations

from django_tasks import task

from dateline.importers.followup import archive_indexes_rebuild


@task()
def archive_indexes_rebuild_task(page_ids: list[int]) -> dict[str, int]:
    """Rebuild Related News and the search index after an import (`followup.archive_indexes_rebuild`).

    Queued by `import_run` once the import has committed, so the import command returns when the
    archive is stored and the worker does the rebuild; idempotent, so a retry is harmless.
    """
    done = archive_indexes_rebuild(page_ids=page_ids)
    return {"related": done.related, "searched": done.searched}
