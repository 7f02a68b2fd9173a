"""The WSGI application `dateline serve` runs: cache hits answered before Django's request cycle.

A hit costs a key computation and one small cache read; it never builds a request object, runs
middleware, resolves a URL or touches the database. Misses and everything else go to Django, where
`PageCacheMiddleware` renders, stores and applies the same rules.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

_django = get_wsgi_application()  # sets Django up before the cache modules load

from dateline.cache import store  # noqa: E402


class PageCacheApplication:
    """Wrap a WSGI application with the page cache's hit path."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if (
            method not in ("GET", "HEAD")
            or not store.enabled()
            or not store.path_cacheable(path)
            or store.has_session_cookie(environ.get("HTTP_COOKIE", ""))
        ):
            return self.app(environ, start_response)
        key = store.page_key(
            scheme=environ.get("wsgi.url_scheme", "http"),
            host=store.raw_host(environ),
            path=path,
            query_string=environ.get("QUERY_STRING", ""),
        )
        entry = store.entry_lookup(key) if key is not None else None
        if entry is None:
            environ[store.LOOKED_UP] = True
            return self.app(environ, start_response)
        headers = store.response_headers(entry, now=store.now_epoch(), hit=True)
        if store.not_modified(
            entry,
            if_none_match=environ.get("HTTP_IF_NONE_MATCH", ""),
            if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE", ""),
        ):
            kept = [(k, v) for k, v in headers if k.lower() not in ("content-type",)]
            start_response("304 Not Modified", kept)
            return []
        headers.append(("Content-Length", str(len(entry.body))))
        start_response(f"{entry.status} OK", headers)
        return [] if method == "HEAD" else [entry.body]


application = PageCacheApplication(_django)
