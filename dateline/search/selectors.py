"""Reader search: published stories matching a query, their snippets, and "did you mean".

Queries go to the site's own index (`search.engine`: PostgreSQL full-text or SQLite FTS5, both
stemmed and accent-blind) over headlines, standfirsts, bylines, tags and bodies.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import overload

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.utils.safestring import SafeString, mark_safe

from dateline.core.pagination import MAX_PAGE_PARAM_LENGTH
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.selectors import listed_articles
from dateline.search import engine
from dateline.search.models import SearchDocument, SearchTerm

MAX_QUERY_LENGTH = 200
# Words of context on each side of the first match in a result's snippet.
SNIPPET_WORDS = 14
SORTS = ("relevance", "date")

_OPERATORS = {"and", "or", "not", "near"}


def clean_query(raw: str | None) -> str:
    """Return the reader's query trimmed, whitespace-collapsed and capped, so any input is safe."""
    if not raw:
        return ""
    text = " ".join(raw.replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH]


def search_terms(query: str) -> list[str]:
    """Return the words of `query`, lower-cased, without the punctuation and operators that
    full-text engines read as syntax (quotes, `*`, `-`, AND/OR/NOT/NEAR)."""
    return [word for word in re.findall(r"\w+", query.lower()) if word not in _OPERATORS]


def clean_sort(raw: str | None) -> str:
    """Return the reader's sort order: "relevance" (the default) or "date"; anything else is ignored."""
    return raw if raw in SORTS else SORTS[0]


def _stem(word: str) -> str:
    """Return a light stem, to highlight "pipelines" for "pipeline" (the engine stems properly)."""
    word = engine.fold(word.lower())
    for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def snippet(text: str, terms: list[str], *, words: int = SNIPPET_WORDS) -> SafeString:
    """Return the words around the first match of `terms` in `text`, escaped, matches in <mark>.

    The text is the reader's own (escaped here, never trusted); without a match, the opening words.
    """
    stems = {_stem(term) for term in terms}
    tokens = text.split()
    hits = [i for i, token in enumerate(tokens) if _stem(re.sub(r"\W", "", token)) in stems]
    first = hits[0] if hits else 0
    start = max(0, first - words)
    chosen = tokens[start : first + words + 1]
    out = []
    for token in chosen:
        bare = re.sub(r"\W", "", token)
        if bare and _stem(bare) in stems:
            left, right = token.split(bare, 1) if bare in token else ("", "")
            out.append(f"{html.escape(left)}<mark>{html.escape(bare)}</mark>{html.escape(right)}")
        else:
            out.append(html.escape(token))
    prefix = "… " if start > 0 else ""
    suffix = " …" if first + words + 1 < len(tokens) else ""
    return mark_safe(prefix + " ".join(out) + suffix)  # noqa: S308 - every part escaped above


@dataclass
class SearchResult:
    """One story found: the article (for its card) and the passage that matched."""

    article: ArticlePage
    snippet: SafeString


@dataclass
class SearchResults:
    """One page of results, with the paginator's page, and a better query when the words look misspelt."""

    page: PaginatorPage
    results: list[SearchResult] = field(default_factory=list)
    suggestion: str = ""


class _Found:
    """The matches of a query as the paginator reads them: one count, then one query per page."""

    def __init__(self, words: list[str], by_date: bool) -> None:
        self.words, self.by_date = words, by_date
        self.total: int | None = None

    def count(self) -> int:
        """Return how many stories match (counted once)."""
        if self.total is None:
            self.total = engine.documents_count(words=self.words)
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[int]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop or 0
        return engine.documents_ids(
            words=self.words, by_date=self.by_date, offset=start, limit=stop - start
        )


def search_results(*, query: str, sort: str, page: str | None) -> SearchResults:
    """Return one page of the live stories matching every word of `query`, best or newest first.

    A bad page number gives the first or last page; an empty query, no results.
    """
    words = search_terms(query)
    paginator: Paginator[int] = Paginator(
        _Found(words, sort == "date"), settings.DATELINE_ARTICLES_PER_PAGE
    )
    raw = (page or "1").strip()[:MAX_PAGE_PARAM_LENGTH]
    number = int(raw) if raw.isdigit() else 1
    current = paginator.get_page(max(number, 1))
    ids = list(current.object_list)
    articles = listed_articles().in_bulk(ids) if ids else {}
    bodies = dict(SearchDocument.objects.filter(pk__in=ids).values_list("pk", "body"))
    results = [
        SearchResult(
            article=articles[pk],
            snippet=snippet(bodies.get(pk) or articles[pk].standfirst or "", words),
        )
        for pk in ids
        if pk in articles
    ]
    outcome = SearchResults(page=current, results=results)
    # The vocabulary is asked on every search, so a page's query count does not depend on how
    # many stories matched; the costlier look for a better word runs only for unknown words.
    unknown = unknown_words(words)
    if unknown and paginator.count < 3:
        outcome.suggestion = suggestion_for(words, unknown=unknown)
    return outcome


def unknown_words(words: list[str]) -> set[str]:
    """Return the words of a query that the archive never uses (numbers and short words aside)."""
    checkable = {word for word in words if len(word) >= 3 and not word.isdigit()}
    if not checkable:
        return set()
    known = SearchTerm.objects.filter(word__in=checkable).values_list("word", flat=True)
    return checkable - set(known)


def suggestion_for(words: list[str], *, unknown: set[str] | None = None) -> str:
    """Return the query with misspelt words replaced by the archive's nearest ones, or "".

    A word the archive never uses (`unknown`, asked of the vocabulary when not given) is replaced
    by the most similar word it does use (same first letter, a similar length); the suggestion is
    offered only when it finds stories.
    """
    if unknown is None:
        unknown = unknown_words(words)
    changed, better = False, []
    for word in words:
        if word not in unknown:
            better.append(word)
            continue
        candidates = list(
            SearchTerm.objects.filter(word__startswith=word[0], documents__gt=0)
            .annotate(length=Length("word"))
            .filter(length__gte=len(word) - 2, length__lte=len(word) + 2)
            .order_by("-documents")
            .values_list("word", flat=True)[:5000]
        )
        match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
        if match:
            better.append(match[0])
            changed = True
        else:
            better.append(word)
    if not changed:
        return ""
    return " ".join(better) if engine.documents_count(words=better) else ""
