"""Who is signing in: the reader's address as sign-in throttling counts it (docs/security.md)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """Return `value` as a normalised IP address, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """Return the address the request came from, as far as trusted proxies tell it.

    With `DATELINE_PROXY_COUNT` = N > 0, the last N hops of X-Forwarded-For were added by our own
    proxies, so the address the outermost one saw is the Nth from the right; anything left of it
    is the client's own claim and is ignored. Without proxies, or when the header is short or
    malformed, it is REMOTE_ADDR: a header a client sends cannot choose whose count it adds to.
    """
    remote = _address(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104 (a label, not a bind)
    count = settings.DATELINE_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _address(hops[-count]) or remote
