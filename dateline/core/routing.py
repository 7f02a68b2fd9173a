"""Page routing in a fixed, small number of queries, whatever the depth of the page tree.

Wagtail routes a request one path segment at a time: the site, its root page, then for each segment
the child page and its specific row, seven queries for `/section/article/`. Every page's `url_path`
is already stored, so when no page type along the way routes requests itself, the page at a path is
simply the one whose `url_path` is the site root's plus that path: two queries, and the site and its
root come from the process memo (`core.memo`). The result is handed to Wagtail's own `serve` view,
which still runs every `before_serve_page` hook (view restrictions, previews); any path the fast
lookup cannot answer exactly (a routable page's own routes, an unknown path, translations) goes
through Wagtail's normal routing.
"""

from __future__ import annotations

import copy
import functools

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.urls import get_script_prefix
from wagtail import views as wagtail_views
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, Site, get_page_models
from wagtail.url_routing import RouteResult

from dateline.core.memo import site_memo
from dateline.core.prepared import prepared_objects

# The attributes Wagtail reads before doing the work itself (wagtail.models.Site / Page).
_SITE_ATTR = "_wagtail_site"
_ROUTE_ATTR = "_wagtail_route_for_request"


_LOOKUP_SQL = (
    f"SELECT id, content_type_id, live FROM {Page._meta.db_table} "  # noqa: S608 - a model's table
    "WHERE slug = %s AND url_path = %s LIMIT 1"
)


@functools.cache
def _self_routing_models() -> frozenset[type]:
    """Return the page models whose `route` differs from Wagtail's default segment walk."""
    return frozenset(model for model in get_page_models() if model.route is not Page.route)


def request_site(request: HttpRequest) -> Site | None:
    """Return the request's Wagtail site, from the memo, and leave it where Wagtail looks for it."""
    if hasattr(request, _SITE_ATTR):
        return getattr(request, _SITE_ATTR)
    # The raw host, as Wagtail's own site lookup reads it (no ALLOWED_HOSTS check here).
    hostname = split_domain_port(request._get_raw_host())[0]  # type: ignore[attr-defined]
    port = request.get_port()
    site = site_memo(("site", hostname, port), lambda: Site._find_for_request(request))
    site = copy.copy(site) if site is not None else None
    setattr(request, _SITE_ATTR, site)
    return site


def _site_root(site: Site) -> Page:
    """Return the site's root page (specific), from the memo: used for its type, path and routes."""
    return site_memo(("site-root", site.pk), lambda: site.root_page.specific)


def route_prime(*, request: HttpRequest, path: str) -> bool:
    """Find the live page at `path` in two queries and leave the route where Wagtail looks for it.

    Returns whether it did; when not, Wagtail routes the request itself (same result, more queries).
    """
    if hasattr(request, _ROUTE_ATTR) or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return False
    components = [component for component in path.split("/") if component]
    if not components:
        return False
    site = request_site(request)
    if site is None:
        return False
    root = _site_root(site)
    if _self_routing_models() - {type(root)}:
        return False  # a page below the root may route its own sub-paths
    if isinstance(root, RoutablePageMixin):
        try:
            root.resolve_subpage("/" + "/".join(components) + "/")
        except Http404:  # Resolver404: not one of the root's own routes
            pass
        else:
            return False  # the root's own route wins, as in Wagtail's walk
    elif type(root).route is not Page.route:
        return False
    with connection.cursor() as cursor:
        # Plain SQL: this runs on every uncached page view and the ORM would compile it each time.
        cursor.execute(_LOOKUP_SQL, [components[-1], root.url_path + "/".join(components) + "/"])
        row = cursor.fetchone()
    if row is None or not row[2]:
        return False  # Wagtail answers 404 (or finds a page this lookup could not)
    model = ContentType.objects.get_for_id(row[1]).model_class()
    if model is None:
        return False
    manager = model._default_manager
    found = prepared_objects(
        model, ("route-page", model), lambda pk: manager.filter(pk=pk)[:1], row[0]
    )
    page = found[0] if found else None
    if page is None:
        return False
    setattr(request, _ROUTE_ATTR, RouteResult(page))
    return True


def page_url(*, url_path: str, request: HttpRequest | None) -> str | None:
    """Return the URL `{% pageurl %}` gives the page at `url_path`, without loading the page.

    Relative on the request's own site (or when there is only one site), absolute on another;
    None when no site contains it. Lists of links (Related News) read only titles and paths, and
    this turns a path into its link.
    """
    roots = getattr(request, "_wagtail_cached_site_root_paths", None)
    if roots is None:
        roots = Site.get_site_root_paths()
        if request is not None:
            # Where Wagtail's own `page.get_url_parts` looks for them on this request.
            setattr(request, "_wagtail_cached_site_root_paths", roots)  # noqa: B010
    candidates = [root for root in roots if url_path.startswith(root.root_path)]
    if not candidates:
        return None
    current = request_site(request) if request is not None else None
    chosen = next(
        (root for root in candidates if current is not None and root.site_id == current.pk),
        candidates[0],
    )
    path = get_script_prefix() + url_path[len(chosen.root_path) :]
    if current is not None and chosen.site_id == current.pk:
        return path
    if current is None and len({root.site_id for root in roots}) == 1:
        return path  # one site only: relative, as Wagtail's `page.url` gives it
    return chosen.root_url + path


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Serve the page at `path`: the fast lookup, then Wagtail's own serve view and hooks."""
    route_prime(request=request, path=path)
    return wagtail_views.serve(request, path)


def _first_segment(pattern: object) -> str | None:
    """Return the literal first path segment a URL pattern matches, or None when it has none."""
    route = str(getattr(pattern, "pattern", pattern))
    route = route.removeprefix("^")
    segment = route.split("/", 1)[0]
    if not segment or any(char in segment for char in "<>()[]?*+\\$|{}"):
        return None
    return segment


@functools.cache
def reserved_slugs() -> frozenset[str]:
    """Return the slugs a page directly under a site's root must not take: they are routed elsewhere.

    Read from the URL configuration (`/admin/`, `/search/`, `/on-this-day/`, `/feeds/`, ...) and from
    the routes of routable page types (the home page's `/authors/` and `/tags/`), so the list cannot
    drift from what is routed: a page with such a slug would be shadowed and never be served.
    """
    from django.urls import get_resolver

    found: set[str] = set()
    patterns = list(get_resolver().url_patterns)
    while patterns:
        pattern = patterns.pop()
        route = str(pattern.pattern)
        if route in {"", "^"} and hasattr(pattern, "url_patterns"):
            patterns.extend(pattern.url_patterns)  # an include() at the root: its own routes
            continue
        segment = _first_segment(pattern.pattern)
        if segment and segment != "_util":
            found.add(segment)
    for model in get_page_models():
        if issubclass(model, RoutablePageMixin):
            for route in model.get_subpage_urls():
                segment = _first_segment(route.pattern)
                if segment:
                    found.add(segment)
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        segment = (prefix or "").strip("/").split("/", 1)[0]
        if segment and "://" not in (prefix or ""):
            found.add(segment)
    return frozenset(found)
