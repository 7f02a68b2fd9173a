"""Pagination that never fails on a reader's input."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

MAX_PAGE_PARAM_LENGTH = 9


def paginate(items: QuerySet, *, page: str | None, per_page: int) -> Page:
    """Return the requested page of `items`; a bad or out-of-range number gives the first or last page.

    `?page=abc`, `?page=0`, `?page=-3` and `?page=99999` are all answered with a real page, never an error.
    """
    paginator = Paginator(items, per_page)
    raw = (page or "1").strip()[:MAX_PAGE_PARAM_LENGTH]
    try:
        number = int(raw)
    except ValueError:
        number = 1
    number = max(number, 1)
    return paginator.get_page(number)
