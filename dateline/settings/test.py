"""Settings for the test suite: SQLite by default, PostgreSQL when DATABASE_URL names it."""

from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path

from dateline.settings.base import *  # noqa: F403
from dateline.settings.base import DATABASES
from dateline.settings.env import PROJECT_ROOT, env_str

SECRET_KEY = secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dateline-test-media-"))
# Browser tests load the pictures from the live server, as the demo serves them.
DATELINE_SERVE_MEDIA = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="dateline-test-static-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Background work runs inline, so tests see its effects at once; the task tests choose the database
# or RQ backend themselves and run the queue (dateline/core/tests/test_tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Sign-in throttling is off, so tests may sign in as often as they like; its own test switches it on
# (dateline/tests/test_login_throttle.py).
AXES_ENABLED = False
# Off so tests measure real renders; dateline/cache/tests switch it on and clear it per test.
DATELINE_PAGE_CACHE = False

# Several checkouts can test against one PostgreSQL server at once: each gets its own test database,
# named after its folder unless TEST_DATABASE_NAME says otherwise. (PostgreSQL only: for SQLite a
# name would turn the in-memory test database into a file.)
if "sqlite" not in DATABASES["default"]["ENGINE"]:
    _checkout = re.sub(r"[^a-z0-9]+", "_", PROJECT_ROOT.name.lower()).strip("_") or "checkout"
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("TEST_DATABASE_NAME") or f"test_dateline_{_checkout}"[:63]
    }
# The RQ backend's tests run against the Redis on 127.0.0.1:6379 (REDIS_URL to choose another).
RQ_QUEUES = {
    "default": {"URL": env_str("REDIS_URL") or "redis://127.0.0.1:6379/15", "DEFAULT_TIMEOUT": 60}
}
