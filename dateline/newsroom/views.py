"""Reader-facing views of the newsroom app besides its pages: the share link's preview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from dateline.newsroom.sharing import share_link_open

_REASONS = {
    "expired": "This share link has expired.",
    "revoked": "This share link was withdrawn by the newsroom.",
    "invalid": "This is not a working share link.",
}


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def share_link(request: HttpRequest, token: str) -> HttpResponse:
    """Show the story a working share link names, as its preview; 410 Gone once it no longer works.

    The preview is the page's latest revision (an embargoed or unpublished story too), rendered as
    the admin's preview renders it; nothing here is ever stored by a cache or indexed.
    """
    link, reason = share_link_open(token)
    if link is None:
        gone = TemplateResponse(
            request, "newsroom/share_link_gone.html", {"reason": _REASONS[reason]}, status=410
        )
        return _private(gone)
    page = link.page.specific.get_latest_revision_as_object()
    return _private(page.make_preview_request(request, page.default_preview_mode))
