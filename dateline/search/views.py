"""The reader search page at /search/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from dateline.search.selectors import clean_query, clean_sort, search_results


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Show stories matching `?q=`, by relevance or `?sort=date`, paginated with `?page=`.

    Never fails on a reader's input: any query, sort or page number gives a page.
    """
    query = clean_query(request.GET.get("q"))
    sort = clean_sort(request.GET.get("sort"))
    found = search_results(query=query, sort=sort, page=request.GET.get("page"))
    return TemplateResponse(
        request,
        "search/search.html",
        {"query": query, "sort": sort, "results": found.page, "found": found},
    )
