"""Production settings: refuse to start without a secret key and allowed hosts; HTTPS hardening on."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from dateline.settings.base import *  # noqa: F403
from dateline.settings.base import ALLOWED_HOSTS, SECRET_KEY
from dateline.settings.env import env_bool, env_int

DEBUG = False

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production refuses to start without one: set the SECRET_KEY "
        "environment variable to a long random string (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY is too short: use at least 50 random characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Production refuses to start without it: set ALLOWED_HOSTS to "
        "the comma-separated host names the site answers to, e.g. ALLOWED_HOSTS=news.example.org."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
