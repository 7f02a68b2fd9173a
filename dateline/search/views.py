"""The reader search page at /search/."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from dateline.core.pagination import paginate
from dateline.search.selectors import clean_query, search_articles


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Show articles matching `?q=`, paginated with `?page=`; never fails on a reader's input."""
    query = clean_query(request.GET.get("q"))
    results = paginate(
        search_articles(query=query),
        page=request.GET.get("page"),
        per_page=settings.DATELINE_ARTICLES_PER_PAGE,
    )
    return TemplateResponse(request, "search/search.html", {"query": query, "results": results})
