"""Core middleware: security headers, one read of the content token per request, the admin's publish path."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from dateline.core import memo, publishing


class SecurityHeadersMiddleware:
    """Send the security headers on every response: CSP, Permissions-Policy, and Django's own.

    Reader pages get the strict policy (DATELINE_CSP); `/admin/` (Wagtail's inline scripts) gets
    DATELINE_CSP_ADMIN. It sits inside the page cache, so the headers are stored with each page and a
    hit answered before Django (`dateline.cache.wsgi`) sends them too; for the same reason it also
    sets the headers Django's SecurityMiddleware adds from its settings (nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy), which that middleware, outside the cache, would add only to misses.
    A response that already names a header keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        admin = request.path.startswith(reverse("wagtailadmin_home"))
        policy = settings.DATELINE_CSP_ADMIN if admin else settings.DATELINE_CSP
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if settings.DATELINE_PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.DATELINE_PERMISSIONS_POLICY
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        referrer = settings.SECURE_REFERRER_POLICY
        if referrer:
            value = referrer if isinstance(referrer, str) else ", ".join(referrer)
            response.headers.setdefault("Referrer-Policy", value)
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            response.headers.setdefault(
                "Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
            )
        return response


class MemoTokenMiddleware:
    """Pin the memo's content token for the request (`memo.token_pinned`): one read, not a dozen.

    Placed after the page cache, so a cache hit never reads it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with memo.token_pinned():
            return self.get_response(request)


class PublishPathMiddleware:
    """Publish everything an admin request publishes as the editor's path (`core.publishing`).

    Wagtail's admin publishes from several views (the page editor, bulk actions, workflow
    approvals); whichever it is, a guard's refusal becomes a message on the page's edit view, not
    an error page: nothing was published, and what the editor wrote is kept as a draft revision.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_admin_prefix()):
            return self.get_response(request)
        with publishing.publish_path(publishing.PublishPath.EDITOR):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer a refused publication with the reasons, on the page's edit view."""
        if not isinstance(exception, publishing.PublishBlocked):
            return None
        messages.error(request, publish_blocked_message(exception))
        target = reverse("wagtailadmin_pages:edit", args=(exception.page.pk,))
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's workflow modals expect JSON and follow its redirect.
            return JsonResponse({"step": "success", "redirect": target})
        return redirect(target)


def publish_blocked_message(blocked: publishing.PublishBlocked) -> str:
    """Return the editor's message for a refused publication: how many problems, and which."""
    count = len(blocked.problems)
    problems = f"{count} problem{'s' if count != 1 else ''} must be fixed first"
    listed = "; ".join(f"{problem.code}: {problem.message}" for problem in blocked.problems[:5])
    if blocked.path == publishing.PublishPath.WORKFLOW:
        return f"Not approved: {problems}, and the story stays in moderation. {listed}"
    return f"Not published: {problems}, and your changes are saved as a draft. {listed}"


def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")
