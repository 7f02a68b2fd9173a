"""The Related News settings every part of the engine shares: list length, mode, window, processes.

Read from `django.conf.settings` (`dateline/settings/base.py` names them, docs/related.md describes
them) each time they are asked for, so tests and deployments can change them without a restart.
"""

from __future__ import annotations

import os

from django.conf import settings

from dateline.related import semantic

# How many stories of each list the database holds: a little more than readers see, so that lists
# can be trimmed by the selector's `limit` without another computation.
SPARE = 1


def stored_limit() -> int:
    """Return how many related stories are stored per article."""
    return max(1, settings.DATELINE_RELATED_LIMIT + SPARE)


def related_mode() -> str:
    """Return the mode the engine runs in, "semantic" or "lexical", from DATELINE_RELATED_MODE.

    auto (the default) is semantic when the packaged model is installed; see `semantic.mode_resolve`.
    """
    return semantic.mode_resolve(settings.DATELINE_RELATED_MODE)


def window_days() -> int:
    """Return the age window in days (0 = no window)."""
    return settings.DATELINE_RELATED_WINDOW_DAYS


def rebuild_workers() -> int:
    """Return how many processes a rebuild uses (`DATELINE_RELATED_REBUILD_WORKERS`, 0 = one per core)."""
    configured: int = settings.DATELINE_RELATED_REBUILD_WORKERS
    return configured if configured > 0 else (os.cpu_count() or 1)
