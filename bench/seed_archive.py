"""Add a large archive to a Dateline database quickly, by bulk inserts, for the HTTP benchmark.

    DJANGO_SETTINGS_MODULE=... python bench/seed_archive.py ARTICLES.jsonl

ARTICLES.jsonl is the shared peers' `articles.py` output (the texts WordPress gets, so both archives
match). Publishing 10,000 stories through `newsroom.services` (one revision and one tree insert each)
takes tens of minutes on this machine, so this script writes the rows directly: Wagtail page rows
with computed tree paths, the article rows, bylines and tags, each in one bulk statement per batch.
The pages are live and render like any other; they have no revisions (never edited). Safe to re-run:
articles whose slug already exists in their section are skipped. Benchmark use only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from taggit.models import Tag  # noqa: E402
from tqdm import tqdm  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402

from dateline.newsroom import services  # noqa: E402
from dateline.newsroom.models import (  # noqa: E402
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
    SectionPage,
)

BATCH = 500


def insert_articles(section: SectionPage, rows: list[dict], authors, tags_by_name) -> None:
    """Insert `rows` as live articles under `section` in one transaction."""
    last = section.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    pages = []
    for offset, row in enumerate(rows, start=1):
        when = dt.datetime.fromisoformat(row["date"]).replace(tzinfo=dt.UTC)
        pages.append(
            Page(
                path=Page._get_path(section.path, section.depth + 1, step + offset),
                depth=section.depth + 1,
                numchild=0,
                title=row["title"],
                draft_title=row["title"],
                slug=row["slug"],
                content_type=content_type,
                live=True,
                has_unpublished_changes=False,
                first_published_at=when,
                last_published_at=when,
                url_path=f"{section.url_path}{row['slug']}/",
                locale=locale,
                translation_key=uuid.uuid4(),
            )
        )
    with transaction.atomic():
        Page.objects.bulk_create(pages)
        created = {
            p.slug: p.pk
            for p in Page.objects.child_of(section).filter(slug__in=[r["slug"] for r in rows])
        }
        fields = ArticlePage._meta.local_concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        values = []
        for row in rows:
            body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in row["paragraphs"]]
            when = dt.datetime.fromisoformat(row["date"]).replace(tzinfo=dt.UTC)
            article = ArticlePage(
                page_ptr_id=created[row["slug"]],
                standfirst=row["paragraphs"][0][:200],
                body=json.dumps(body),
                published_at=when,
            )
            values.append(
                [f.get_db_prep_save(f.pre_save(article, True), connection) for f in fields]
            )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {ArticlePage._meta.db_table} ({columns}) VALUES ({marks})", values
            )
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(
                page_id=created[row["slug"]], author=authors[i % len(authors)], sort_order=0
            )
            for i, row in enumerate(rows)
        )
        ArticlePageTag.objects.bulk_create(
            ArticlePageTag(content_object_id=created[row["slug"]], tag=tags_by_name[name])
            for row in rows
            for name in row_tags(row)
        )
        Page.objects.filter(pk=section.pk).update(numchild=section.numchild + len(rows))
    section.refresh_from_db()


def row_tags(row: dict) -> list[str]:
    """Return two tags for an article: its category and a topic word from its headline."""
    words = [w for w in slugify(row["title"]).split("-") if len(w) > 5]
    return sorted({row["category"].lower(), (words[-1] if words else "news")})


def main(path: str) -> None:
    """Load the JSON lines at `path` into sections named after their categories."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    home = services.site_ensure()
    authors = [
        services.author_ensure(slug=f"bench-reporter-{n}", name=f"Bench Reporter {n}")
        for n in range(20)
    ]
    by_category: dict[str, list[dict]] = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    names = sorted({name for row in rows for name in row_tags(row)})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    Tag.objects.bulk_create(
        [Tag(name=n, slug=slugify(n)) for n in names if n not in existing], ignore_conflicts=True
    )
    tags_by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    print(f"Archive: {len(rows)} articles in {len(by_category)} sections from {path}")
    progress = tqdm(total=len(rows), unit="article")
    added = 0
    for category, items in sorted(by_category.items()):
        section = services.section_ensure(home=home, slug=slugify(category), title=category)
        have = set(ArticlePage.objects.child_of(section).values_list("slug", flat=True))
        missing = [row for row in items if row["slug"] not in have]
        progress.update(len(items) - len(missing))
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            insert_articles(section, batch, authors, tags_by_name)
            added += len(batch)
            progress.update(len(batch))
    progress.close()
    print(f"Added {added} articles; {ArticlePage.objects.live().count()} live articles in total.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
