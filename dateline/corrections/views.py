"""/corrections/: every note on the site's stories, newest first, and its RSS feed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_safe
from wagtail.models import Site

from dateline.core import cachetags
from dateline.core.pagination import paginate
from dateline.core.routing import request_site
from dateline.core.selectors import site_settings_for
from dateline.corrections import selectors
from dateline.corrections.models import Correction

FEED_LENGTH = 50


def _site(request: HttpRequest) -> Site:
    site = request_site(request)
    if site is None:
        raise Http404("No site")
    return site


def _tagged(request: HttpRequest, notes: list[Correction]) -> None:
    # The list changes with any note (CORRECTIONS) and with any listed story's headline or URL.
    cachetags.cache_tags_add(
        request,
        cachetags.CORRECTIONS,
        (cachetags.page_tag(note.article_id) for note in notes),
    )


@require_safe
def corrections_page(request: HttpRequest) -> HttpResponse:
    """List the notes on the site's stories, newest first, one page at a time."""
    site = _site(request)
    notes = paginate(
        selectors.public_notes(site=site),
        page=request.GET.get("page"),
        per_page=settings.DATELINE_ARTICLES_PER_PAGE,
    )
    _tagged(request, list(notes))
    return TemplateResponse(request, "corrections/corrections_page.html", {"notes": notes})


def note_url(note: Correction) -> str:
    """Return the note's permanent address: its story's URL and the note's #fragment."""
    return f"{note.article.get_full_url()}#{note.anchor}"


class CorrectionsFeed(Feed):
    """RSS 2.0 of the latest notes on the site's stories, one item per note."""

    feed_type = Rss201rev2Feed
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, *args, **kwargs) -> dict:
        site = _site(request)
        notes = list(selectors.public_notes(site=site)[:FEED_LENGTH])
        for note in notes:
            note.feed_host = site.hostname  # type: ignore[attr-defined]
        _tagged(request, notes)
        name = site_settings_for(request=request).site_name
        return {"site": site, "notes": notes, "site_name": name}

    def title(self, obj: dict) -> str:
        return f"Corrections | {obj['site_name']}"

    def link(self, obj: dict) -> str:
        return reverse("corrections:list")

    def description(self, obj: dict) -> str:
        return f"Corrections, clarifications and editor's notes on {obj['site_name']}'s stories."

    def items(self, obj: dict) -> list[Correction]:
        return obj["notes"]

    def item_title(self, item: Correction) -> str:
        return f"{item.get_kind_display()}: {item.article.title}"

    def item_description(self, item: Correction) -> str:
        return item.text

    def item_link(self, item: Correction) -> str:
        return note_url(item)

    def item_guid(self, item: Correction) -> str:
        host = getattr(item, "feed_host", "localhost")
        return f"tag:{host},{settings.DATELINE_FEED_ID_DATE}:correction:{item.pk}"

    def item_pubdate(self, item: Correction) -> dt.datetime:
        return item.made_at

    def item_categories(self, item: Correction) -> list[str]:
        return [item.get_kind_display()]
