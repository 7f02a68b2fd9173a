"""What a reader gets while the database is away: a clear 503 page, never a bare server error.

A database that stops answering (a restart, a failover, a network cut) raises an `OperationalError`
or `InterfaceError` wherever the request first needs it. Django turns any uncaught exception into
the `handler500` view, called while the exception is being handled; `server_error` looks at it and,
when it is the database being unreachable, answers **503 Service Unavailable** with `Retry-After`
and a page rendered without the database (no site settings, no context processors). The page
cache (`dateline.cache.middleware`) then sends its last stored copy of the page instead when it has
one. Django closes the broken connection at the end of the request and `CONN_HEALTH_CHECKS` tests
it at the next, so the site answers normally again as soon as the database is back: nothing needs
a restart.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)

# Seconds a reader (or a crawler, or a CDN) is asked to wait before trying again.
RETRY_AFTER = 30
# Set on the 503 response so the page cache knows it may send a stored copy instead.
OUTAGE_ATTRIBUTE = "dateline_database_unavailable"


def database_unavailable(error: BaseException | None) -> bool:
    """Return whether `error` (or what caused it) says the database cannot be reached just now.

    `OperationalError` covers a refused or dropped connection, a server shutting down and SQLite's
    "database is locked"; `InterfaceError` a connection already closed under the driver. A mistake
    in a query (`ProgrammingError`, `DataError`) is a bug, not an outage, and stays a 500.
    """
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False


def outage_response() -> HttpResponse:
    """Return the 503 page: static HTML that needs neither the database nor the request."""
    body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    setattr(response, OUTAGE_ATTRIBUTE, True)
    return response


def is_outage(response: HttpResponse) -> bool:
    """Return whether `response` is the 503 answered because the database was unreachable."""
    return bool(getattr(response, OUTAGE_ATTRIBUTE, False))


def _log_outage(request: HttpRequest, error: BaseException | None) -> None:
    first_line = (
        str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""
    )
    log.warning(
        "database unavailable (%s: %s): %s answered 503",
        type(error).__name__,
        first_line,
        request.path,
    )


class OutageMiddleware:
    """Answer a view's database outage with the 503 page and one log line (no traceback).

    Most outages surface in the view (the page lookup is its first query); answered here, Django
    does not log each one as a server error with its traceback. An outage inside a middleware
    reaches `server_error` instead, with the same answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Return the 503 page for a database outage; leave every other exception to Django."""
        if not database_unavailable(exception):
            return None
        _log_outage(request, exception)
        return outage_response()


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an uncaught exception: 503 when the database is away, else the styled 500 page.

    Installed as `handler500` (dateline.urls). Django calls it while handling the exception, so
    `sys.exc_info()` still holds it; the 500 page itself uses no database either.
    """
    error = sys.exc_info()[1]
    if database_unavailable(error):
        _log_outage(request, error)
        return outage_response()
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
