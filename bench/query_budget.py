"""Count the queries and time the uncached renders of the hot pages on the current database.

    DJANGO_SETTINGS_MODULE=dateline.settings.production DATELINE_DATA_DIR=... \\
        .venv/bin/python bench/query_budget.py [--renders 30]

Renders the demo's reference article, its section, the home page, an author page and a tag page
through Django's test client with the page cache off, after one warm-up round (content types, site
root paths), first with the process memo empty (the first render after a purge) and then warm
(every later render), and prints per page: the live articles in
the archive, the queries of each render, and the median render time. `bench/query_budget.sh` runs it
on archives of several sizes, so the counts can be compared across sizes in one run: the goal is the
same count whatever the archive size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.production")
os.environ["DATELINE_PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dateline.core import memo  # noqa: E402
from dateline.newsroom.models import ArticlePage, Author  # noqa: E402

REFERENCE_SLUG = "china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts"


def page_urls() -> dict[str, str]:
    """Return the pages to measure: the reference article, its section, home, author and tag."""
    article = ArticlePage.objects.get(slug=REFERENCE_SLUG)
    author = Author.objects.filter(article_links__page=article).first() or Author.objects.first()
    tag = article.tags.first()
    urls = {"article": article.url, "section": article.get_parent().url, "home": "/"}
    if author is not None:
        urls["author"] = author.get_absolute_url()
    if tag is not None:
        urls["tag"] = f"/tags/{tag.slug}/"
    return urls


def measure(client: Client, url: str, *, renders: int) -> tuple[int, int, float]:
    """Return (queries with the memo empty, queries with it warm, median warm render in ms)."""
    memo.memo_clear()
    reset_queries()  # each request clears the log; start every count from an empty one
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url, HTTP_HOST="127.0.0.1")
    cold_count = len(cold)  # read now: the next request clears the log the context reads from
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    reset_queries()
    with CaptureQueriesContext(connection) as warm:
        client.get(url, HTTP_HOST="127.0.0.1")
    warm_count = len(warm)
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        client.get(url, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - start) * 1000)
    return cold_count, warm_count, statistics.median(times)


def main() -> None:
    """Print one line per page: archive size, cold and warm query counts, median render time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=30, help="timed renders per page")
    args = parser.parse_args()
    size = ArticlePage.objects.live().count()
    client = Client()
    urls = page_urls()
    for url in urls.values():  # fill the per-process caches (content types, site root paths)
        client.get(url, HTTP_HOST="127.0.0.1")
    for name, url in urls.items():
        cold, warm, median_ms = measure(client, url, renders=args.renders)
        print(
            f"archive={size:>7} page={name:<8} queries_cold={cold:>3} queries_warm={warm:>3} "
            f"render_p50_ms={median_ms:8.1f}  {url}"
        )


if __name__ == "__main__":
    main()
