"""Reads of Related News: the stored list of an article, and why each story is on it.

Lists are computed ahead of time by `dateline.related.services` (on publish and by rebuilds), so the
reader's block is one indexed query that also drops anything no longer live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page

from dateline.core.routing import page_url
from dateline.newsroom.models import ArticlePage
from dateline.related import engine
from dateline.related.models import RelatedChoice, RelatedLink, RelatedProfile


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """One story of a Related News block: what the block shows of it."""

    pk: int
    title: str
    url_path: str
    published_at: dt.datetime | None

    def url(self, request: HttpRequest | None = None) -> str | None:
        """Return the story's link, as `{% pageurl %}` would give it."""
        return page_url(url_path=self.url_path, request=request)


def _block_sql() -> str:
    link, page = RelatedLink._meta.db_table, Page._meta.db_table
    article = ArticlePage._meta.db_table
    return (
        f"SELECT p.id, p.title, p.url_path, a.published_at FROM {link} l "  # noqa: S608 - tables
        f"JOIN {page} p ON p.id = l.related_id JOIN {article} a ON a.page_ptr_id = p.id "
        "WHERE l.article_id = %s AND p.live = %s AND p.id <> %s ORDER BY l.rank LIMIT %s"
    )


def aware_datetime(value: object) -> dt.datetime | None:
    """Return a database datetime as an aware one (SQLite hands plain SQL a string, in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value if isinstance(value, dt.datetime) else None


def related_articles(*, article: ArticlePage, limit: int = 5) -> list[RelatedItem]:
    """Return up to `limit` published stories related to `article`, most related first.

    One query on the stored list (its `(article, rank)` index, joined to the live pages); never the
    article itself or an unpublished story. Plain SQL returning only what the block shows: on every
    uncached article view, building five whole pages through the ORM cost more than the rest of
    the block.
    """
    if article.pk is None or limit <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_block_sql(), [article.pk, True, article.pk, limit])
        rows = cursor.fetchall()
    return [
        RelatedItem(pk, title, url_path, aware_datetime(when)) for pk, title, url_path, when in rows
    ]


def related_explained(*, article: ArticlePage) -> list[dict]:
    """Return the article's stored list with scores and reasons, for the editors' admin view.

    The shared names, terms, tags and sections are worked out here from the two stories' stored
    vectors with `engine.reasons` (lists store only the score, the gap in days and the text
    similarity, which keeps rebuilding a large archive fast).
    """
    links = list(RelatedLink.objects.filter(article_id=article.pk).order_by("rank"))
    related_ids = [link.related_id for link in links]
    titles = dict(ArticlePage.objects.filter(pk__in=related_ids).values_list("pk", "title"))
    vectors = dict(
        RelatedProfile.objects.filter(pk__in=[article.pk, *related_ids]).values_list("pk", "vector")
    )
    own = vectors.get(article.pk, {})
    out = []
    for link in links:
        why = dict(link.reasons or {})
        other = vectors.get(link.related_id)
        if own and other:
            why = {**engine.reasons(own, other), **why}
        out.append(
            {
                "related_id": link.related_id,
                "title": titles.get(link.related_id, f"#{link.related_id}"),
                "rank": link.rank,
                "score": link.score,
                "pinned": link.pinned,
                "reasons": why,
            }
        )
    return out


def related_choices(*, article: ArticlePage) -> list[RelatedChoice]:
    """Return the editors' pins and exclusions for `article`, oldest first."""
    return list(RelatedChoice.objects.filter(article_id=article.pk).order_by("created_at", "pk"))


def related_profile(*, article: ArticlePage) -> RelatedProfile | None:
    """Return the engine's stored profile of `article` (None when it is not published)."""
    return RelatedProfile.objects.filter(pk=article.pk).first()


# --- Near-identical stories, for the quality checks ------------------------------------------------

# How many of the inverted index's best candidates have their whole vectors compared: a copy shares
# nearly every strong feature with its original, so it is among the first few.
DUPLICATE_CANDIDATES = 20
# A candidate's posting for a shared feature must weigh between 1/RATIO and RATIO times the story's.
DUPLICATE_WEIGHT_RATIO = 2.0
# SimHash fingerprints of short or templated texts (an earnings table, a one-line memo) collide while
# their weighted words differ: near fingerprints make a copy only from this text similarity up.
DUPLICATE_FINGERPRINT_SIMILARITY = 0.7
# Stories that both state at least MIN figures are copies only when they share SHARE of them.
DUPLICATE_FIGURES_MIN = 3
DUPLICATE_FIGURES_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class SimilarStory:
    """A published story whose text is close to another's, and how close by the engine's measures.

    `similarity` is the cosine of the two stories' text features (their terms and names, weighted as
    the engine weighs them; tags and sections left out), 1.0 for the same words; `same_fingerprint`
    says their SimHash fingerprints are within `engine.DUPLICATE_SIMHASH_BITS` of each other and
    their similarity at least `DUPLICATE_FINGERPRINT_SIMILARITY`, which makes them copies too.
    """

    pk: int
    title: str
    url_path: str
    published_at: dt.datetime | None
    similarity: float
    same_fingerprint: bool

    def url(self, request: HttpRequest | None = None) -> str | None:
        """Return the story's link, as `{% pageurl %}` would give it."""
        return page_url(url_path=self.url_path, request=request)


def _text_features(vector: dict[str, float]) -> dict[str, float]:
    """Return a profile vector's terms and names, L2-normalised again (tags and sections dropped)."""
    import math

    kept = {f: w for f, w in vector.items() if f[:1] not in (engine.TAG, engine.SECTION)}
    norm = math.sqrt(sum(weight * weight for weight in kept.values()))
    return {f: weight / norm for f, weight in kept.items()} if norm else {}


def similar_stories(
    *,
    headline: str = "",
    standfirst: str = "",
    body_text: str = "",
    published_at: dt.datetime | None = None,
    exclude_id: int | None = None,
    window_days: int,
    limit: int = 5,
    minimum: float = engine.DUPLICATE_TEXT_SIMILARITY,
    profile_of: int | None = None,
) -> list[SimilarStory]:
    """Return the published stories that are near-identical copies of a story, closest first.

    The story (its headline, standfirst and body text as `newsroom.text.body_text` reads it) is
    profiled and weighted with the archive's document frequencies, as on publication; `profile_of`
    names a published article whose stored profile is used instead (a whole-site check reads no
    story again), falling back to the text when it has none. Candidates come from the inverted index
    (postings of similar weight on the story's strongest features), published within `window_days`
    either side of `published_at` (0: any time), and a story is a copy when the cosine of the two
    stories' text features reaches `minimum`, or when their SimHash fingerprints are near-identical
    (`engine.near_duplicates`) and the cosine reaches `DUPLICATE_FINGERPRINT_SIMILARITY`.
    `exclude_id` (and `profile_of`) are never returned. A handful of queries, whatever the
    archive's size.
    """
    from django.conf import settings
    from django.utils import timezone

    from dateline.related.models import RelatedPosting, RelatedTerm

    vector: dict[str, float] = {}
    simhash = 0
    stored = None
    if profile_of is not None:
        stored = (
            RelatedProfile.objects.filter(pk=profile_of)
            .values_list("vector", "simhash", "published_at")
            .first()
        )
    if stored is not None:
        vector, simhash = stored[0], stored[1]
        published_at = published_at or stored[2]
    else:
        profile = engine.story_profile(
            engine.Story(headline=headline, standfirst=standfirst, body=body_text)
        )
        features = list(profile.counts)
        df: dict[str, int] = {}
        for start in range(0, len(features), 500):
            df.update(
                RelatedTerm.objects.filter(term__in=features[start : start + 500]).values_list(
                    "term", "df"
                )
            )
        # Weighted as if the story joined the archive, as its original was when it was published.
        df = {feature: df.get(feature, 0) + 1 for feature in features}
        documents = RelatedProfile.objects.count() + 1
        vector = engine.profile_vector(profile, df=df, documents=documents)
        simhash = profile.simhash
    query = _text_features(vector)
    if not query or limit <= 0:
        return []
    when = published_at or timezone.now()
    span = dt.timedelta(days=window_days)
    adapt = connection.ops.adapt_datetimefield_value
    table = RelatedPosting._meta.db_table
    cap = int(settings.DATELINE_RELATED_POSTINGS_PER_TERM)
    count = settings.DATELINE_RELATED_INDEX_TERMS * settings.DATELINE_RELATED_QUERY_FACTOR
    # The query's strongest features (ties broken by name, so every database picks the same), each
    # reading its heaviest postings inside the window, as the publish path finds candidates.
    strongest = sorted(query.items(), key=lambda item: (-item[1], item[0]))[:count]
    branches: list[str] = []
    params: list[float | str | dt.datetime | None] = []
    for number, (term, weight) in enumerate(strongest):
        # A copy weighs each shared feature about as the story does: reading only the postings of
        # similar weight keeps each branch a short range of the covering index, even for a feature
        # half the archive carries.
        where = "term = %s AND weight >= %s AND weight <= %s"
        params.extend(
            [weight, term, weight / DUPLICATE_WEIGHT_RATIO, weight * DUPLICATE_WEIGHT_RATIO]
        )
        if window_days > 0:
            where += " AND published_at >= %s AND published_at <= %s"
            params.extend([adapt(when - span), adapt(when + span)])
        branches.append(
            f"SELECT * FROM (SELECT article_id, weight * %s AS part FROM {table} WHERE {where} "  # noqa: S608 (table and int limits from code; terms are params)
            f"ORDER BY weight DESC LIMIT {cap}) AS branch{number}"
        )
    excluded = [pk for pk in (exclude_id, profile_of) if pk is not None] or [0]
    sql = (
        f"SELECT article_id, SUM(part) AS partial FROM ({' UNION ALL '.join(branches)}) AS hits "  # noqa: S608 (table and int limits from code; terms are params)
        f"WHERE article_id NOT IN ({', '.join(['%s'] * len(excluded))}) GROUP BY article_id "
        f"ORDER BY partial DESC, article_id LIMIT {int(DUPLICATE_CANDIDATES)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *excluded])
        chosen = [row[0] for row in cursor.fetchall()]
    rows = RelatedProfile.objects.filter(pk__in=chosen, article__live=True).values_list(
        "article_id",
        "vector",
        "simhash",
        "article__title",
        "article__url_path",
        "article__published_at",
    )
    found = []
    for pk, other_vector, other_simhash, title, url_path, other_published in rows:
        similarity = round(engine.cosine(query, _text_features(other_vector)), 6)
        same = (
            engine.near_duplicates(simhash, other_simhash)
            and similarity >= DUPLICATE_FINGERPRINT_SIMILARITY
        )
        if similarity >= minimum or same:
            found.append(SimilarStory(pk, title, url_path, other_published, similarity, same))
    found.sort(key=lambda story: (-story.similarity, story.pk))
    return _same_figures(found, headline=headline, standfirst=standfirst, body_text=body_text)[
        :limit
    ]


def _figures(text: str) -> dict[str, int]:
    """Return the figures a text states ("120", "1,699,124", "0.50"), with how often."""
    import re
    from collections import Counter

    return dict(Counter(re.findall(r"\d+(?:[.,]\d+)*", text)))


def _same_figures(
    found: list[SimilarStory], *, headline: str, standfirst: str, body_text: str
) -> list[SimilarStory]:
    """Drop the stories that state other figures than the story: reports of a kind, not copies.

    The engine reads no numbers (they say little about what a story is about), so two days' money
    market reports, or two companies' results tables, look the same to it. When both stories state
    at least `DUPLICATE_FIGURES_MIN` figures, a copy must share `DUPLICATE_FIGURES_SHARE` of the
    fewer; an updated story (a new toll, a corrected sum) still does. Reads only the stories found.
    """
    from dateline.newsroom.text import body_text as stored_text

    own = _figures(" ".join((headline, standfirst, body_text)))
    if not found or sum(own.values()) < DUPLICATE_FIGURES_MIN:
        return found
    texts = {
        pk: " ".join((title, standfirst_, stored_text(body)))
        for pk, title, standfirst_, body in ArticlePage.objects.filter(
            pk__in=[story.pk for story in found]
        ).values_list("pk", "title", "standfirst", "body")
    }
    kept = []
    for story in found:
        other = _figures(texts.get(story.pk, ""))
        fewer = min(sum(own.values()), sum(other.values()))
        shared = sum(min(count, other.get(figure, 0)) for figure, count in own.items())
        if fewer >= DUPLICATE_FIGURES_MIN and shared < DUPLICATE_FIGURES_SHARE * fewer:
            continue
        kept.append(story)
    return kept
