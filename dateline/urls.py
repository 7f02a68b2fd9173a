"""URL configuration: admin, search, media in development, then Wagtail's page tree."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dateline.core import health, routing
from dateline.newsroom import views as newsroom_views
from dateline.search import views as search_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("share/<str:token>/", newsroom_views.share_link, name="share_link"),
    path("on-this-day/", include("dateline.almanac.urls")),
    path("corrections/", include("dateline.corrections.urls")),
    path("", include("dateline.distribution.urls")),
]

if settings.DATELINE_SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Pages: Wagtail's serve view behind a two-query route lookup (core.routing); Wagtail's own URLs
# (its `_util/` views, and `wagtail_serve` for reversing) follow unchanged.
# Uncaught exceptions: a clear 503 while the database is unreachable, the styled 500 otherwise.
handler500 = "dateline.core.outage.server_error"

urlpatterns += [
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", routing.serve),
    path("", include(wagtail_urls)),
]
