"""The admin's share-link view of a story: make links, see them, revoke them (newsroom.sharing)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from dateline.newsroom.models import ArticlePage, ShareLink
from dateline.newsroom.sharing import (
    LIFETIMES,
    share_link_create,
    share_link_path,
    share_link_revoke,
)


class ShareLinkForm(forms.Form):
    """What an editor chooses for a new link: how long it lasts and who it is for."""

    days = forms.TypedChoiceField(
        label="Works for",
        choices=[(days, f"{days} day{'s' if days > 1 else ''}") for days in LIFETIMES],
        coerce=int,
        initial=3,
    )
    note = forms.CharField(
        label="For", max_length=200, required=False, help_text="Who the link is for (editors only)."
    )


def _story(request: HttpRequest, page_id: int) -> Page:
    page = Page.objects.filter(pk=page_id).first()
    if page is None or not isinstance(page.specific_deferred, ArticlePage):
        raise Http404("No such story")
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied("Share links are for people who may edit the story.")
    return page


@require_http_methods(["GET", "POST"])
def share_links(request: HttpRequest, page_id: int) -> HttpResponse:
    """List a story's share links; make one, or revoke one, for someone who may edit the story."""
    page = _story(request, page_id)
    here = reverse("share_links", args=[page.pk])
    form = ShareLinkForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            chosen = request.POST.get("link", "")
            link = (
                ShareLink.objects.filter(pk=int(chosen), page=page).first()
                if chosen.isdigit()
                else None
            )
            if link is None:
                messages.error(request, "No such share link.")
            else:
                share_link_revoke(link=link, user=request.user)
                messages.success(request, "The share link no longer works.")
            return redirect(here)
        if form.is_valid():
            link = share_link_create(
                page=page,
                user=request.user,
                days=form.cleaned_data["days"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request, f"Share link made: {request.build_absolute_uri(share_link_path(link))}"
            )
            return redirect(here)
    links = [
        (link, request.build_absolute_uri(share_link_path(link)))
        for link in ShareLink.objects.filter(page=page).select_related("created_by")
    ]
    return TemplateResponse(
        request,
        "newsroom/admin/share_links.html",
        {"page": page, "form": form, "links": links},
    )
