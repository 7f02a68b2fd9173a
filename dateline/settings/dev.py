"""Development and demo settings: local hosts, a per-checkout secret key, no collectstatic needed."""

from __future__ import annotations

import secrets

from dateline.settings.base import *  # noqa: F403
from dateline.settings.base import DATA_DIR, STATIC_ROOT
from dateline.settings.env import env_bool, env_list, env_str

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])


def _local_secret_key() -> str:
    """Return a secret key kept in the data folder, creating it once, so none is hard-coded."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or _local_secret_key()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when using finders

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve app static files straight from their folders, so no collectstatic is needed here.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATELINE_SERVE_MEDIA = env_bool("DATELINE_SERVE_MEDIA", True)
# The demo and development machines have no mail server: notifications (moderation, stories held
# at go-live) are printed by the server instead of failing to connect.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
