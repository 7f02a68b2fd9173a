"""Measure `dateline import wordpress` at archive scale, beside a bare bulk insert of the same rows.

Builds a WordPress export (WXR) of `--posts` posts from real texts in the shared data (BBC News,
then the White House briefing room; beyond their ~10,000 texts they repeat under new ids), imports
it with `--commit` (one transaction, the Related News lists, search index and page cache rebuilt
once after the commit), then imports it again (nothing changes; its rate is printed too). Beside
them, in the same run: inserting the same rows (headline, slug, body) with one `executemany` into a
scratch table, the floor no page-creating import can beat.

Run on a scratch database, never your newsroom's (it creates the site and imports into it):
  DATABASE_URL=sqlite:////tmp/import_scale.sqlite3 .venv/bin/python bench/import_scale.py --posts 10000
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/import_scale \\
    .venv/bin/python bench/import_scale.py --posts 10000
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")
os.environ.setdefault("DATELINE_RELATED_MODE", "lexical")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402

from dateline.importers.followup import archive_indexes_rebuild  # noqa: E402
from dateline.importers.tests.fixtures import SourceText, bbc_texts, text_items, wxr  # noqa: E402
from dateline.importers.wordpress import wordpress_import  # noqa: E402
from dateline.newsroom.models import ArticlePage  # noqa: E402
from dateline.newsroom.services import site_ensure  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def whitehouse_texts() -> list[SourceText]:
    """Return the White House briefing-room releases as plain texts (Markdown links and bold dropped)."""
    texts = []
    for path in sorted((shared_data_dir() / "whitehouse-briefing-room" / "articles").rglob("*.md")):
        raw = path.read_text(encoding="utf-8")
        _, front, body = (raw.split("---", 2) + ["", ""])[:3]
        title = next(
            (
                line[6:].strip().strip("'\"")
                for line in front.splitlines()
                if line.startswith("title:")
            ),
            "",
        )
        paragraphs = []
        for chunk in body.split("\n\n"):
            text = " ".join(_LINK.sub(r"\1", chunk).replace("**", "").split()).lstrip("-# ")
            if text:
                paragraphs.append(text)
        if title and paragraphs:
            texts.append(SourceText(title, "briefings", paragraphs))
    return texts


def export_write(posts: int, folder: Path) -> Path:
    """Write an export of `posts` posts from the shared texts; return its path."""
    texts = bbc_texts() + whitehouse_texts()
    if not texts:
        sys.exit(f"no texts under {shared_data_dir()} (set DATELINE_SHARED_DATA)")
    chosen = [texts[i % len(texts)] for i in range(posts)]
    path = folder / f"posts-{posts}.xml"
    path.write_text(wxr(*text_items(chosen)), encoding="utf-8")
    return path


def bare_insert_rate(path: Path) -> float:
    """Insert the export's posts as bare rows (title, slug, body JSON) in one executemany; posts/s."""
    rows = [
        (article.title, article.slug, json.dumps(list(article.body.raw_data)))
        for article in ArticlePage.objects.all().iterator()
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_import_rows")
        cursor.execute(
            "CREATE TABLE bench_import_rows (id integer PRIMARY KEY, title text, slug text, body text)"
        )
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_import_rows (id, title, slug, body) VALUES (%s, %s, %s, %s)",
            [(i, *row) for i, row in enumerate(rows)],
        )
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_import_rows")
    return len(rows) / seconds


def progress(items):
    """Wrap the import's items in a tqdm bar with an ETA, as `dateline import` does."""
    return tqdm(items, desc="Importing", unit="item", file=sys.stderr, mininterval=1.0)


def main() -> None:
    """Build the export, import it twice and print the rates beside the bare insert."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    site_ensure()
    if ArticlePage.objects.exists():
        sys.exit("the database already has articles: use a scratch database (see the docstring)")
    folder = Path(tempfile.mkdtemp(prefix="dateline-import-scale-"))
    path = export_write(options.posts, folder)
    print(
        f"export: {options.posts} posts, {path.stat().st_size / 1e6:.1f} MB ({connection.vendor})"
    )

    start = time.perf_counter()
    first = wordpress_import(path=path, commit=True, progress=progress)
    first_seconds = time.perf_counter() - start
    created = first.counts["post"]["create"]
    # What the worker then does once (the task the import queued), timed here in-process.
    start = time.perf_counter()
    rebuilt = archive_indexes_rebuild(
        page_ids=list(ArticlePage.objects.values_list("pk", flat=True))
    )
    rebuild_seconds = time.perf_counter() - start
    start = time.perf_counter()
    second = wordpress_import(path=path, commit=True, progress=progress)
    second_seconds = time.perf_counter() - start
    changed = second.total("create") + second.total("update")
    bare = bare_insert_rate(path)

    print()
    print(f"{'run':44} {'posts':>6} {'seconds':>8} {'posts/s':>8}")
    print(f"{'first import (commit; its rebuild queued)':44} {created:6d} {first_seconds:8.1f} "
          f"{created / first_seconds:8.1f}")  # fmt: skip
    print(f"{'  then the rebuild (the worker task, once)':44} {rebuilt.related:6d} "
          f"{rebuild_seconds:8.1f} {rebuilt.related / rebuild_seconds:8.1f}")  # fmt: skip
    print(f"{'second import (unchanged export)':44} {options.posts:6d} {second_seconds:8.1f} "
          f"{options.posts / second_seconds:8.1f}   changed: {changed}")  # fmt: skip
    print(
        f"{'bare bulk insert of the same rows':44} {created:6d} {created / bare:8.2f} {bare:8.0f}"
    )
    for note in first.notes[-3:]:
        print("  note:", html.unescape(note)[:160])


if __name__ == "__main__":
    main()
