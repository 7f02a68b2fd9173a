"""The page cache middleware: serve stored pages to anonymous readers, store what is safe to share.

It sits early in `MIDDLEWARE` (after security and static files), so a hit returns before sessions,
CSRF, authentication and the page tree run. On a miss it lets the page render and then decides,
from the finished response, whether the page is the same for every anonymous reader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from dateline.cache import store
from dateline.core import dates, outage
from dateline.core.cachetags import ALL, cache_tags_of, cache_valid_until_of
from dateline.core.selectors import site_settings_for

log = logging.getLogger(__name__)

# Headers computed when a page is sent, never stored with it.
_NOT_STORED = {
    "set-cookie",
    "content-length",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
    "date",
    "cache-tag",
    "surrogate-key",
    "x-dateline-cache",
}


def request_key(request: HttpRequest) -> str | None:
    """Return the cache key for `request`, or None when it must bypass the cache."""
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.META.get("PATH_INFO", "")
    if not store.path_cacheable(path):
        return None
    if store.has_session_cookie(request.META.get("HTTP_COOKIE", "")):
        return None
    return store.page_key(
        scheme=request.scheme or "http",
        host=store.raw_host(request.META),
        path=path,
        query_string=request.META.get("QUERY_STRING", ""),
    )


def response_for(request: HttpRequest, entry: store.Entry, *, hit: bool) -> HttpResponse:
    """Return the response sending `entry` (or 304 Not Modified when the reader has it already)."""
    now = store.now_epoch()
    headers = store.response_headers(entry, now=now, hit=hit)
    if store.not_modified(
        entry,
        if_none_match=request.META.get("HTTP_IF_NONE_MATCH", ""),
        if_modified_since=request.META.get("HTTP_IF_MODIFIED_SINCE", ""),
    ):
        response: HttpResponse = HttpResponseNotModified()
        for name, value in headers:
            if name.lower() not in ("content-type", "content-language"):
                response[name] = value
        return response
    response = HttpResponse(entry.body, status=entry.status)
    for name, value in headers:
        response[name] = value
    return response


def _varies_on_cookie(response: HttpResponse) -> bool:
    """Return whether the response's Vary header names the Cookie header (or everything)."""
    names = {name.strip().lower() for name in response.get("Vary", "").split(",")}
    return bool(names & {"cookie", "*"})


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Return whether `response` is the same for every anonymous reader and may be shared.

    Never: responses that set cookies, use a CSRF token, were rendered for a signed-in user or a
    preview, vary on the cookies a reader sent, are not 200, or carry no cache tags (we could not
    purge them exactly).
    """
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if getattr(request, "is_preview", False):
        return False
    if request.META.get("HTTP_COOKIE") and _varies_on_cookie(response):
        # The page says it differs by the reader's cookies and this reader sent some: it may be
        # theirs alone (a view reading a preference cookie), so it is not shared.
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    return bool(cache_tags_of(request))


def entry_expires_at(request: HttpRequest, *, zone: dt.tzinfo, now: dt.datetime) -> float:
    """Return until when a page rendered now may be sent: the newsroom's next local midnight, or
    sooner when the page recorded that it changes by itself earlier (a banner's start or expiry,
    `cachetags.cache_valid_until`).
    """
    expires_at = dates.next_local_midnight(zone, now=now).timestamp()
    until = cache_valid_until_of(request)
    if until is not None:
        expires_at = min(expires_at, until.timestamp())
    return expires_at


def entry_from(request: HttpRequest, response: HttpResponse) -> store.Entry:
    """Build the stored form of a freshly rendered page, valid until the newsroom's next midnight
    or the next change the page announced for itself, whichever comes first."""
    zone = site_settings_for(request=request).zone
    now = dates.local_now(zone)
    headers = []
    for name, value in response.items():
        lowered = name.lower()
        if lowered in _NOT_STORED:
            continue
        if lowered == "vary":
            # Only cookie-free responses are stored, so they do not vary on the cookie.
            value = ", ".join(v.strip() for v in value.split(",") if v.strip().lower() != "cookie")
            if not value:
                continue
        headers.append((name, value))
    body = response.content
    tags = tuple(sorted(cache_tags_of(request) | {ALL}))
    return store.Entry(
        status=response.status_code,
        headers=tuple(headers),
        body=body,
        tags=tags,
        versions=store.tag_versions(tags),
        expires_at=entry_expires_at(request, zone=zone, now=now),
        local_date=now.date().isoformat(),
        etag='"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
        last_modified=float(int(now.timestamp())),
    )


def stale_or(request: HttpRequest, key: str, unavailable: HttpResponse) -> HttpResponse:
    """Send the stored copy of the page while the database is unreachable, else `unavailable`.

    The copy may be older than the last purge (that is why it was not a hit), so it says so: the
    `X-Dateline-Cache: stale` header, a `Cache-Control` that lets no cache keep it, and a warning in
    the log naming the page and when it was rendered.
    """
    entry = store.entry_stored(key)
    if entry is None:
        return unavailable
    response = response_for(request, entry, hit=True)
    response["X-Dateline-Cache"] = "stale"
    response["Cache-Control"] = "no-cache, max-age=0"
    log.warning(
        "database unavailable: served a stale copy of %s rendered %s",
        request.path,
        store.http_date(entry.last_modified),
    )
    return response


class PageCacheMiddleware:
    """Serve anonymous readers from the page cache; store shareable pages; mark editors' bypass."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not store.enabled():
            return self.get_response(request)
        key = request_key(request)
        if key is None:
            response = self.get_response(request)
            if store.has_session_cookie(request.META.get("HTTP_COOKIE", "")):
                # Signed-in views must not be kept by any shared cache on the way.
                patch_cache_control(response, private=True, no_cache=True)
                response["X-Dateline-Cache"] = "bypass"
            return response
        if not request.META.get(store.LOOKED_UP):
            entry = store.entry_lookup(key)
            if entry is not None:
                return response_for(request, entry, hit=True)
        seq = store.current_seq()
        versions = store.versions_before_render(key)
        response = self.get_response(request)
        if outage.is_outage(response):
            return stale_or(request, key, response)
        if not storable(request, response):
            return response
        entry = entry_from(request, response)
        store.entry_save(key=key, entry=entry, seq_at_start=seq, versions_at_start=versions)
        from dateline.cache import publishing

        publishing.page_written(request=request, entry=entry)
        return response_for(request, entry, hit=False)
