"""Core middleware: one reading of the content token per request for the process memo."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dateline.core import memo


class MemoTokenMiddleware:
    """Pin the memo's content token for the request (`memo.token_pinned`): one read, not a dozen.

    Placed after the page cache, so a cache hit never reads it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with memo.token_pinned():
            return self.get_response(request)
