"""Serve a 1,000,000-article sitemap set and print its peak memory beside Django's stock sitemap.

What is measured, in one run on a throw-away SQLite database:

1. Setup (not measured): a site with one section and one real article, then N more article rows
   cloned in bulk into Wagtail's page table and the article table (default N = 1,000,000).
2. Dateline: the sitemap index and every article sitemap it lists (50,000 URLs each), each served by
   the real views and consumed chunk by chunk as a server would send them. Printed: URLs, bytes,
   time, and the highest tracemalloc peak of any one response (index or sitemap).
3. Baseline: Django's stock `django.contrib.sitemaps.Sitemap` for the same articles (a queryset of
   ArticlePage, `location()` = the page URL), page 1 of 50,000 URLs, built as the stock view does
   (`get_urls()` builds the list, the stock template renders it). Its per-response peak is printed, and
   the "one list for the whole archive" figure is that peak scaled by N / 50,000 (the default
   `django.contrib.sitemaps` approach without pagination grows linearly).

Time and memory are measured in separate passes (tracemalloc slows Python down). Run:

    .venv/bin/python bench/sitemap_scale.py                 # 1,000,000 articles (several minutes)
    .venv/bin/python bench/sitemap_scale.py --articles 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "dateline.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()


def build_archive(count: int) -> None:
    """Migrate, create the site, then clone one article `count` times with bulk inserts."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from dateline.newsroom import services

    call_command("migrate", verbosity=0)
    home = services.site_ensure()
    section = services.section_ensure(home=home, slug="archive", title="Archive")
    author = services.author_ensure(slug="bench", name="Bench Reporter")
    template = services.article_save(
        section=section,
        slug="template-story",
        title="Template story",
        body=[{"type": "paragraph", "value": "<p>Text.</p>"}],
        authors=[author],
        published_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("SELECT * FROM wagtailcore_page WHERE id = %s", [template.pk])
        page_columns = [c[0] for c in cursor.description]
        page_row = list(cursor.fetchone())
        cursor.execute("SELECT * FROM newsroom_articlepage WHERE page_ptr_id = %s", [template.pk])
        article_columns = [c[0] for c in cursor.description]
        article_row = list(cursor.fetchone())
        cursor.execute("SELECT MAX(id) FROM wagtailcore_page")
        next_id = cursor.fetchone()[0] + 1

    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def step(n: int) -> str:
        # Wagtail's tree paths: 4 base-36 characters a level (up to 1,679,616 children).
        digits = []
        for _ in range(4):
            n, r = divmod(n, 36)
            digits.append(alphabet[r])
        return "".join(reversed(digits))

    p = {name: i for i, name in enumerate(page_columns)}
    a = {name: i for i, name in enumerate(article_columns)}
    page_sql = "INSERT INTO wagtailcore_page ({}) VALUES ({})".format(
        ", ".join(page_columns), ", ".join(["%s"] * len(page_columns))
    )
    article_sql = "INSERT INTO newsroom_articlepage ({}) VALUES ({})".format(
        ", ".join(article_columns), ", ".join(["%s"] * len(article_columns))
    )
    start = dt.datetime(2000, 1, 1)
    batch = 20_000
    from tqdm import tqdm

    with tqdm(total=count, desc="inserting articles", unit="row", file=sys.stderr) as progress:
        for offset in range(0, count, batch):
            pages, articles = [], []
            for n in range(offset + 1, min(offset + batch, count) + 1):
                pk = next_id + n
                when = (start + dt.timedelta(minutes=13 * n)).strftime("%Y-%m-%d %H:%M:%S")
                row = list(page_row)
                row[p["id"]] = pk
                row[p["path"]] = section.path + step(n + 1)
                row[p["slug"]] = f"story-{n}"
                row[p["url_path"]] = f"{section.url_path}story-{n}/"
                row[p["title"]] = row[p["draft_title"]] = f"Story {n}"
                row[p["translation_key"]] = uuid.uuid4().hex
                row[p["first_published_at"]] = row[p["last_published_at"]] = when
                row[p["live_revision_id"]] = row[p["latest_revision_id"]] = None
                pages.append(row)
                article = list(article_row)
                article[a["page_ptr_id"]] = pk
                article[a["published_at"]] = when
                articles.append(article)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(page_sql, pages)
                cursor.executemany(article_sql, articles)
            progress.update(len(pages))


def dateline_pass(*, trace: bool) -> dict:
    """Serve the index and every article sitemap; return URLs, bytes, seconds and peak bytes."""
    from defusedxml import ElementTree
    from django.test import RequestFactory

    from dateline.distribution import sitemaps

    factory = RequestFactory(HTTP_HOST="localhost")
    peak = 0
    started = time.perf_counter()
    if trace:
        tracemalloc.reset_peak()
    index = sitemaps.sitemap_index(factory.get("/sitemap.xml"))
    if trace:
        peak = max(peak, tracemalloc.get_traced_memory()[1])
    locations = [
        node.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        for node in ElementTree.fromstring(index.content)
    ]
    numbers = [
        int(loc.rsplit("articles-", 1)[1].split(".")[0]) for loc in locations if "articles-" in loc
    ]
    urls = size = 0
    for number in numbers:
        if trace:
            tracemalloc.reset_peak()
        response = sitemaps.article_sitemap(factory.get("/"), number=number)
        for chunk in response.streaming_content:
            size += len(chunk)
            urls += chunk.count(b"<url>")
        response.close()
        if trace:
            peak = max(peak, tracemalloc.get_traced_memory()[1])
    return {
        "sitemaps": len(numbers),
        "urls": urls,
        "bytes": size,
        "seconds": time.perf_counter() - started,
        "peak": peak,
    }


def stock_pass(*, limit: int, trace: bool) -> dict:
    """Build page 1 of Django's stock sitemap over the same articles, as its view does."""
    from django.contrib import sitemaps as django_sitemaps
    from django.contrib.sites.requests import RequestSite
    from django.template import Context, Engine
    from django.test import RequestFactory

    from dateline.newsroom.models import ArticlePage

    request = RequestFactory(HTTP_HOST="localhost").get("/sitemap.xml")

    class ArticleSitemap(django_sitemaps.Sitemap):
        def items(self):
            return ArticlePage.objects.live().public().order_by("pk")

        def location(self, item):
            # With the request, Wagtail caches the site root paths once per request.
            return item.get_url(request=request)

        def lastmod(self, item):
            return item.updated_at or item.last_published_at or item.published_at

    ArticleSitemap.limit = limit
    engine = Engine(dirs=[str(Path(django_sitemaps.__file__).parent / "templates")])
    template = engine.get_template("sitemap.xml")
    if trace:
        tracemalloc.reset_peak()
    started = time.perf_counter()
    urls = ArticleSitemap().get_urls(page=1, site=RequestSite(request), protocol="http")
    body = template.render(Context({"urlset": urls}))
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    return {"urls": len(urls), "bytes": len(body.encode()), "seconds": seconds, "peak": peak}


def mib(value: float) -> str:
    return f"{value / 2**20:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--stock-size", type=int, default=50_000, help="URLs in the baseline page")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        t0 = time.perf_counter()
        build_archive(args.articles)
        print(
            f"archive: {args.articles + 1:,} live articles inserted in {time.perf_counter() - t0:,.0f} s"
        )

        timed = dateline_pass(trace=False)
        stock_timed = stock_pass(limit=args.stock_size, trace=False)
        tracemalloc.start()
        traced = dateline_pass(trace=True)
        stock_traced = stock_pass(limit=args.stock_size, trace=True)
        tracemalloc.stop()

    per_url_dateline = timed["seconds"] / timed["urls"]
    per_url_stock = stock_timed["seconds"] / stock_timed["urls"]
    scaled_peak = stock_traced["peak"] * timed["urls"] / stock_traced["urls"]
    print()
    print(
        f"Dateline streamed set: index + {timed['sitemaps']} sitemaps, {timed['urls']:,} URLs, "
        f"{timed['bytes'] / 2**20:,.0f} MiB of XML"
    )
    print(f"  time            {timed['seconds']:8.1f} s   ({per_url_dateline * 1e6:.1f} µs/URL)")
    print(f"  peak memory     {mib(traced['peak']):>12}   (highest single response, tracemalloc)")
    print(f"Django stock sitemap, page 1 of {stock_timed['urls']:,} URLs (baseline, same run)")
    print(f"  time            {stock_timed['seconds']:8.1f} s   ({per_url_stock * 1e6:.1f} µs/URL)")
    print(f"  peak memory     {mib(stock_traced['peak']):>12}   (one response)")
    print(f"  scaled to one list of {timed['urls']:,} URLs: {mib(scaled_peak)}")
    print("Ratios (stock / Dateline)")
    print(f"  peak memory per response             {stock_traced['peak'] / traced['peak']:6.1f}x")
    print(f"  peak memory, whole set as one list   {scaled_peak / traced['peak']:6.1f}x")
    print(f"  time per URL                         {per_url_stock / per_url_dateline:6.1f}x")


if __name__ == "__main__":
    main()
