"""Switch optional features (related news, on this day, ...) off in settings."""

from __future__ import annotations

from django.conf import settings


def feature_enabled(name: str) -> bool:
    """Return whether the feature `name` should render, per `DATELINE_DISABLED_FEATURES`."""
    return name not in set(getattr(settings, "DATELINE_DISABLED_FEATURES", ()))
