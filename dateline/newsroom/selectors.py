"""Reads of the newsroom's content for pages and features, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Substr
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page

from dateline.core.images import image_set_specs
from dateline.core.memo import site_memo
from dateline.core.pagination import paginate
from dateline.core.prepared import prepared_objects
from dateline.newsroom.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage

# Section fronts rank among at least this many of the newest stories (see `section_fronts`).
FRONTS_MIN_WINDOW = 300
FRONTS_WINDOW_PER_STORY = 10


def card_renditions() -> Prefetch:
    """Return the prefetch of the lead images' card renditions (`core.images`), one query a list.

    Wagtail reads prefetched renditions before its cache or the database, so a listing of twenty
    pictured cards costs one query for all their renditions, not one per card.
    """
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=image_set_specs("card", "lead-card"))
    )
    return Prefetch("lead_image__renditions", queryset=renditions, to_attr="prefetched_renditions")


def live_articles() -> QuerySet[ArticlePage]:
    """Return the articles readers may see, newest first, with what a listing card shows: the
    byline and the lead image with its card renditions."""
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("lead_image")
        .prefetch_related(
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            ),
            card_renditions(),
        )
        .order_by("-published_at", "-pk")
    )


def listed_articles() -> QuerySet[ArticlePage]:
    """Return `live_articles()` for listings: the body, which no card shows, is left unread.

    A body is the largest column by far; a home page's section fronts rank a few hundred stories,
    and reading their bodies took most of that page's render.
    """
    return live_articles().defer("body")


def paginated(items: QuerySet, *, page: str | None) -> PaginatorPage:
    """Return one page of a listing, sized by `DATELINE_ARTICLES_PER_PAGE`."""
    return paginate(items, page=page, per_page=settings.DATELINE_ARTICLES_PER_PAGE)


def latest_articles(*, limit: int, exclude: Sequence[int] = ()) -> list[ArticlePage]:
    """Return the `limit` most recently published articles, leaving out the ids in `exclude`
    (the front page's top stories, so no story is shown twice on it)."""
    articles = listed_articles()
    if exclude:
        articles = articles.exclude(pk__in=list(exclude))
    return list(articles[:limit])


def top_stories(*, home: HomePage) -> list[ArticlePage]:
    """Return the stories the editors chose to lead `home` with, in their order, if still live."""
    chosen = list(home.featured_items.order_by("sort_order").values_list("article_id", flat=True))
    if not chosen:
        return []
    by_id = {article.pk: article for article in listed_articles().filter(pk__in=chosen)}
    return [by_id[pk] for pk in chosen if pk in by_id]


def section_articles(*, section: SectionPage) -> QuerySet[ArticlePage]:
    """Return the section's articles, filed under it or added to it as a further section."""
    secondary = ArticlePage.additional_sections.through.objects.filter(sectionpage=section).values(
        "articlepage_id"
    )
    # Its children as a subquery on tree-path ranges: SQLite then reads the section's own rows
    # through the path index instead of walking the archive newest first (a small section in a
    # large archive took half a second), so the cost follows the section's size, not the archive's.
    children = Page.objects.filter(_children_of([section.path], depth=section.depth + 1)).values(
        "pk"
    )
    return listed_articles().filter(Q(pk__in=children) | Q(pk__in=secondary))


def home_sections(*, home: HomePage) -> list[SectionPage]:
    """Return the live, public sections directly under `home`, in tree order.

    Remembered until the content changes (`core.memo`); the database's plan for this tree query
    scans every page, which grows with the archive.
    """

    def load() -> tuple[SectionPage, ...]:
        found = SectionPage.objects.live().public().filter(depth=home.depth + 1)
        return tuple(sorted((s for s in found if s.path.startswith(home.path)), key=_path))

    return list(site_memo(("home-sections", home.pk), load))


def _path(page: Page) -> str:
    return page.path


def _ranked_by_section(
    stories: QuerySet[ArticlePage], *, prefix_length: int, per_section: int
) -> dict[str, list[ArticlePage]]:
    """Return the newest `per_section` of `stories` per primary section path, in one query."""
    ranked = stories.annotate(
        section_path=Substr("path", 1, prefix_length),
        rank=Window(
            RowNumber(),
            partition_by=[Substr("path", 1, prefix_length)],
            order_by=[F("published_at").desc(), F("pk").desc()],
        ),
    ).filter(rank__lte=per_section)
    by_section: dict[str, list[ArticlePage]] = {}
    for article in ranked:
        by_section.setdefault(article.section_path, []).append(article)
    return by_section


def _children_of(paths: list[str], *, depth: int) -> Q:
    """Return a filter for the pages at `depth` below any of `paths`, as tree-path ranges.

    Ranges rather than `startswith`: SQLite uses the path index for a range, not for the LIKE that
    `startswith` becomes (each step of a Wagtail path is `steplen` characters of its alphabet).
    """
    where = Q(pk__in=[])
    for path in paths:
        where |= Q(path__gt=path, path__lte=path + Page.alphabet[-1] * Page.steplen)
    return where & Q(depth=depth)


def section_fronts(
    *,
    home: HomePage,
    per_section: int,
    min_window: int = FRONTS_MIN_WINDOW,
    window_per_story: int = FRONTS_WINDOW_PER_STORY,
    exclude: Sequence[int] = (),
) -> list[tuple[SectionPage, list[ArticlePage]]]:
    """Return each live section under `home` in menu order with its latest `per_section` stories.

    The cost does not grow with the archive. The site's newest few hundred stories are read newest
    first through the `published_at` index (no tree filter, which would make SQLite scan the page
    tree), and ranked per section with a window function; when the archive is larger than that
    window, the sections it left short are ranked together in one more query over their own
    stories. Queries: the sections, the window, its ranking (and bylines), and at most that one
    more ranking (and its bylines). `min_window` and `window_per_story` size that window. Stories
    in `exclude` (those the front page already shows higher up) are left out before ranking, so
    each section still gets `per_section` others.
    """
    sections = home_sections(home=home)
    if not sections:
        return []
    section_depth = home.depth + 1
    prefix_length = section_depth * Page.steplen
    window = max(min_window, per_section * len(sections) * window_per_story)
    newest = list(
        ArticlePage.objects.live()
        .public()
        .order_by("-published_at", "-pk")
        .values_list("pk", "path", "depth")[:window]
    )
    skip = set(exclude)
    mine = [
        pk
        for pk, path, depth in newest
        if depth == section_depth + 1 and path.startswith(home.path) and pk not in skip
    ]
    by_section = _ranked_by_section(
        listed_articles().filter(pk__in=mine), prefix_length=prefix_length, per_section=per_section
    )
    short = [s.path for s in sections if len(by_section.get(s.path, [])) < per_section]
    if short and len(newest) == window:  # the window did not hold the whole archive
        rest = listed_articles().filter(_children_of(short, depth=section_depth + 1))
        if skip:
            rest = rest.exclude(pk__in=list(skip))
        by_section.update(
            _ranked_by_section(
                rest,
                prefix_length=prefix_length,
                per_section=per_section,
            )
        )
    return [(section, by_section.get(section.path, [])) for section in sections]


def sections_by_path() -> dict[str, SectionPage]:
    """Return every section keyed by its tree path, remembered until the content changes.

    Sections are few and every article page names its primary one (its parent), so one memo
    replaces a query per render.
    """
    return site_memo("sections-by-path", lambda: {s.path: s for s in SectionPage.objects.all()})


def article_sections(*, article: ArticlePage) -> list[SectionPage]:
    """Return the article's sections, primary (its parent) first, then the further ones by title.

    Works on previews too: further sections come from the editor's form when the page is unsaved.
    """
    sections: list[SectionPage] = []
    if article.path and len(article.path) > Page.steplen:
        parent = sections_by_path().get(article.path[: -Page.steplen])
        if parent is not None:
            sections.append(parent)
    # Ids only (the sections themselves come from the memo); on previews, from the editor's form.
    by_pk = {section.pk: section for section in sections_by_path().values()}
    if _stored(article, "additional_sections"):
        with connection.cursor() as cursor:
            cursor.execute(_ADDITIONAL_SECTIONS_SQL, [article.pk])
            ids = [row[0] for row in cursor.fetchall()]
    else:  # the editor's unsaved choice (a preview): the sections themselves, in memory
        ids = [section.pk for section in article.additional_sections.all()]
    missing = [pk for pk in ids if pk not in by_pk]
    if missing:  # only when the memo is off or a section was added since it was filled
        by_pk.update(
            (section.pk, section) for section in SectionPage.objects.filter(pk__in=missing)
        )
    further = sorted((by_pk[pk] for pk in ids if pk in by_pk), key=lambda section: section.title)
    sections.extend(section for section in further if section not in sections)
    return sections


def _stored(article: ArticlePage, relation: str) -> bool:
    """Return whether the article's `relation` is read from the database, not from an editor's form.

    A preview carries the editor's unsaved choices in memory (modelcluster keeps them per relation
    in `_cluster_related_objects`); a published page being read has none.
    """
    return article.pk is not None and relation not in getattr(
        article, "_cluster_related_objects", {}
    )


def _through_sql() -> str:
    field = ArticlePage._meta.get_field("additional_sections")
    return (
        f"SELECT {field.m2m_reverse_name()} FROM {field.m2m_db_table()} "  # noqa: S608 (identifiers from model metadata; value is a param)
        f"WHERE {field.m2m_column_name()} = %s"
    )


_ADDITIONAL_SECTIONS_SQL = _through_sql()


def article_authors(*, article: ArticlePage) -> list[Author]:
    """Return the article's authors in byline order (from the editor's form on previews).

    Read through a prepared query (`core.prepared`): this runs on every uncached article render.
    """
    if not _stored(article, "article_authors"):
        links = sorted(article.article_authors.all(), key=lambda link: link.sort_order or 0)
        return [link.author for link in links]
    return prepared_objects(
        Author,
        "article-authors",
        lambda pk: Author.objects.filter(article_links__page_id=pk).order_by(
            "article_links__sort_order", "article_links__pk"
        ),
        article.pk,
    )


def article_tags(*, article: ArticlePage) -> list[Tag]:
    """Return the article's tags sorted by name (from the editor's form on previews)."""
    if _stored(article, "tagged_items"):
        tags = prepared_objects(
            Tag,
            "article-tags",
            lambda pk: Tag.objects.filter(newsroom_articlepagetag_items__content_object_id=pk),
            article.pk,
        )
    else:
        tags = list(article.tags.all())
    return sorted(tags, key=lambda tag: tag.name.lower())


def author_by_slug(*, slug: str) -> Author | None:
    """Return the author with this slug, or None."""
    return Author.objects.filter(slug=slug).first()


def author_articles(*, author: Author) -> QuerySet[ArticlePage]:
    """Return the articles credited to `author`, newest first."""
    return listed_articles().filter(article_authors__author=author)


def tag_by_slug(*, slug: str) -> Tag | None:
    """Return the tag with this slug, or None."""
    return Tag.objects.filter(slug=slug).first()


def tag_articles(*, tag: Tag) -> QuerySet[ArticlePage]:
    """Return the articles carrying `tag`, newest first."""
    return listed_articles().filter(tagged_items__tag=tag)


def menu_sections() -> list[SectionPage]:
    """Return the live sections shown in the site's navigation, in tree order.

    Remembered in the process until the content changes (`core.memo`): every page shows it. Sorted
    here rather than by the database, whose plan for `ORDER BY path` walks the whole page tree.
    """

    def load() -> tuple[SectionPage, ...]:
        sections = SectionPage.objects.live().public().in_menu()
        return tuple(sorted(sections, key=lambda section: section.path))

    return list(site_memo("menu-sections", load))
