"""Measure the Related News engine at archive scale, each figure beside a baseline from the same run.

Builds archives of real texts (White House briefing room, Reuters-21578, BBC News; beyond their ~29,000
texts, variants keep a random 70% of a text's sentences and move it to another year), loads them
straight into the engine's storage with the rebuild, then measures:

- full rebuild rate (articles/s) beside a plain TF-IDF + exact brute-force top-k rebuild (scikit-learn);
- publishing one article through the editor's path (newsroom.services.article_save -> Wagtail publish ->
  the engine's signal, both directions) p50/p95, beside exact brute force over every stored profile;
- recall@10 of the rebuild's candidate search and of the publish path's inverted-index search against
  exact search;
- rendering the Related News block (one query) p50/p95, beside computing the list at render time;
- peak memory (max RSS).

Run on a scratch database, never your newsroom's (it deletes the engine's tables):
  DATABASE_URL=sqlite:////tmp/related_scale.sqlite3 \
    .venv/bin/python bench/related_scale.py --sizes 10000 100000
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/related_scale .venv/bin/python bench/related_scale.py
Needs the bench extra (scikit-learn): pip install -e '.[bench]'
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import random
import re
import resource
import sys
import time
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")
# The scale targets are for lexical mode (semantic mode encodes every story; see docs/related.md).
os.environ.setdefault("DATELINE_RELATED_MODE", "lexical")

import django  # noqa: E402

django.setup()

from django import template  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dateline.newsroom.models import ArticlePage  # noqa: E402
from dateline.newsroom.services import (  # noqa: E402
    article_save,
    author_ensure,
    section_ensure,
    site_ensure,
)
from dateline.related import engine, services  # noqa: E402
from dateline.related.models import (  # noqa: E402
    RelatedLink,
    RelatedPosting,
    RelatedProfile,
    RelatedTerm,
)
from dateline.related.selectors import related_articles  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402

ID_BASE = 10_000_000
UTC = dt.UTC


def whitehouse(folder: Path) -> list[tuple[str, str, str, dt.datetime]]:
    """Return (headline, body, tag, date) for each White House release."""
    out = []
    for path in sorted(folder.rglob("*.md")):
        if path.name == "README.md":
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        if not raw.startswith("---"):
            continue
        _, front, body = raw.split("---", 2)
        title = re.search(r"^title:\s*(.*)$", front, re.M)
        date = re.search(r"^date:\s*'?(\d{4}-\d{2}-\d{2})", front, re.M)
        tag = re.search(r"^tags:\s*(.*)$", front, re.M)
        if not (title and date):
            continue
        body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)
        when = dt.datetime.fromisoformat(date[1]).replace(tzinfo=UTC)
        out.append((title[1].strip("'\""), body, tag[1] if tag else "wh", when))
    return out


def reuters(folder: Path) -> list[tuple[str, str, str, dt.datetime]]:
    """Return (headline, body, topic, date) for Reuters documents with a body."""
    out = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        raw = path.read_bytes().decode("latin-1")
        for chunk in re.findall(r"<REUTERS(.*?)</REUTERS>", raw, re.S):
            body = re.search(r"<BODY>(.*?)</BODY>", chunk, re.S)
            if body is None:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", chunk, re.S)
            topics = re.findall(
                r"<D>(.*?)</D>", re.search(r"<TOPICS>(.*?)</TOPICS>", chunk, re.S)[1]
            )
            date = re.search(r"<DATE>\s*(\d+)-(\w+)-(\d{4})", chunk)
            when = (
                dt.datetime.strptime(f"{date[1]}-{date[2]}-{date[3]}", "%d-%b-%Y").replace(
                    tzinfo=UTC
                )
                if date
                else dt.datetime(1987, 6, 1, tzinfo=UTC)
            )
            out.append(
                (
                    html.unescape(title[1]) if title else "",
                    html.unescape(body[1]).replace("\x03", ""),
                    topics[0] if topics else "reuters",
                    when,
                )
            )
    return out


def bbc(folder: Path) -> list[tuple[str, str, str, dt.datetime]]:
    """Return (headline, body, section, date) for BBC articles, dated across 2004-2005."""
    out = []
    rng = random.Random(5)
    for path in sorted(folder.glob("*/*.txt")):
        lines = path.read_bytes().decode("latin-1").splitlines()
        when = dt.datetime(2004, 1, 1, tzinfo=UTC) + dt.timedelta(days=rng.randrange(730))
        out.append((lines[0], "\n".join(lines[1:]), path.parent.name, when))
    return out


def archive(size: int, texts: list, seed: int = 1) -> Iterator[services.ArchiveItem]:
    """Yield `size` archive items from the texts, varied beyond the first pass (streamed: a million
    stories' texts are never held at once)."""
    rng = random.Random(seed)
    sources = {"wh": 1, "reuters": 2, "bbc": 3}
    for index in range(size):
        round_, position = divmod(index, len(texts))
        headline, body, tag, when, source = texts[position]
        if round_:
            sentences = re.split(r"(?<=[.!?])\s+", body)
            kept = [s for s in sentences if rng.random() < 0.7] or sentences[:1]
            body = " ".join(kept)
            when = when + dt.timedelta(days=365 * round_ * 3 + rng.randrange(60))
        story = engine.Story(
            headline=headline, body=body, tags=[tag], sections=[f"src{sources[source]}"]
        )
        yield services.ArchiveItem(ID_BASE + index, story, when)


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0..100)."""
    return float(np.percentile(np.asarray(values), q))


def tfidf_rebuild(items: list[services.ArchiveItem], k: int) -> float:
    """Baseline: plain TF-IDF vectors and exact brute-force top-k for every article; seconds."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    started = time.perf_counter()
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [f"{i.story.headline}\n{i.story.body}" for i in items]
    )
    transposed = matrix.T.tocsr()
    for start in range(0, matrix.shape[0], 500):
        product = (matrix[start : start + 500] @ transposed).toarray()
        np.argpartition(-product, k, axis=1)[:, :k]
    return time.perf_counter() - started


def exact_matrix():
    """Read every stored profile into a sparse matrix (ids, dates in days, matrix, vocabulary)."""
    from scipy import sparse

    ids, days, indptr = array("q"), array("d"), array("q", [0])
    indices, values = array("i"), array("f")
    vocabulary: dict[str, int] = {}
    for pk, published_at, vector in RelatedProfile.objects.values_list(
        "pk", "published_at", "vector"
    ).iterator(chunk_size=5000):
        ids.append(pk)
        days.append(published_at.timestamp() / 86400)
        for feature, weight in vector.items():
            indices.append(vocabulary.setdefault(feature, len(vocabulary)))
            values.append(weight)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (
            np.frombuffer(values, np.float32),
            np.frombuffer(indices, np.int32),
            np.frombuffer(indptr, np.int64),
        ),
        shape=(len(ids), len(vocabulary)),
    )
    return np.frombuffer(ids, np.int64), np.frombuffer(days), matrix, vocabulary


def exact_top(vector, when, ids, days, matrix, vocabulary, k, exclude):
    """Exact search: score one vector against every profile with the engine's time factor."""
    query = np.zeros(matrix.shape[1], dtype=np.float32)
    for feature, weight in vector.items():
        if feature in vocabulary:
            query[vocabulary[feature]] = weight
    cos = matrix @ query
    gap = np.abs(days - when.timestamp() / 86400)
    scores = cos * engine.time_factor(days_apart=gap, window_days=services.window_days())
    scores[ids == exclude] = 0
    top = np.argsort(-scores)[:k]
    return [int(ids[i]) for i in top if scores[i] > 0]


def engine_tables_clear() -> None:
    """Empty the engine's storage, so each size is loaded the way a first rebuild loads it.

    PostgreSQL truncates: a DELETE of a million articles' rows leaves dead tuples in the tables and
    their indexes, which the next size's publish and render measurements would walk through.
    """
    tables = [m._meta.db_table for m in (RelatedLink, RelatedPosting, RelatedProfile, RelatedTerm)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
            return
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def cpu_seconds() -> float:
    """Return the CPU time (user + system) of this process and its finished workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def peak_mib() -> tuple[float, float]:
    """Return the max RSS of this process and of the largest finished worker process (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, workers


def run(size: int, texts: list, publishes: int, baseline_cap: int, recall_sample: int) -> dict:
    """Measure one archive size; return the figures."""
    print(
        f"\n=== archive of {size:,} articles ({connection.vendor}, {engine.MODE} mode, "
        f"{services.rebuild_workers()} rebuild processes, load average "
        f"{os.getloadavg()[0]:.1f}) ===",
        flush=True,
    )
    engine_tables_clear()
    cpu_before = cpu_seconds()
    summary = services.related_rebuild(items=archive(size, texts), recall_sample=recall_sample)
    cpu = cpu_seconds() - cpu_before
    print(
        f"rebuild into empty storage (engine, {summary.search} search within the window, "
        f"{summary.common_features:,} common features left out of the products): {summary.rate:,.0f} "
        f"articles/s ({summary.seconds:.1f} s, {summary.links:,} links, "
        f"{summary.features:,} features); CPU time {cpu:.0f} s in all processes = "
        f"{cpu / size * 1000:.2f} ms per article, so at most {2 * size / cpu:,.0f} articles/s on "
        "two otherwise idle cores",
        flush=True,
    )
    print(
        "  rebuild steps (s): "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in summary.stages.items()),
        flush=True,
    )
    if summary.recall is not None:
        print(
            f"rebuild candidate search recall@10 vs exact brute-force search within the window "
            f"({summary.recall_checked} stories spread over the archive, searched both ways in "
            f"the same run): {summary.recall:.3f} (exact = 1.000)",
            flush=True,
        )
    base_size = min(size, baseline_cap)
    base_seconds = tfidf_rebuild(list(archive(base_size, texts)), k=services.stored_limit())
    base_rate = base_size / base_seconds
    print(
        f"rebuild baseline, TF-IDF + exact brute-force top-k over all pairs, nothing stored, on "
        f"the first {base_size:,} articles: {base_rate:,.0f} articles/s "
        f"(engine/baseline {summary.rate / base_rate:.2f})",
        flush=True,
    )

    ids, days, matrix, vocabulary = exact_matrix()
    rng = random.Random(7)
    sample = rng.sample(ids.tolist(), min(100, len(ids)))
    hits = total = 0
    search_times = []
    for pk in sample:
        profile = RelatedProfile.objects.get(pk=pk)
        started = time.perf_counter()
        found = [
            e.related_id
            for e, _ in services.candidates_find(
                vector=profile.vector, published_at=profile.published_at, exclude=profile.pk
            )
        ][:10]
        search_times.append(time.perf_counter() - started)
        exact = exact_top(
            profile.vector, profile.published_at, ids, days, matrix, vocabulary, 10, profile.pk
        )
        hits += len(set(found) & set(exact))
        total += len(exact)
    recall = hits / total if total else 1.0
    print(
        f"publish-path candidate search recall@10 vs exact brute-force search ({len(sample)} "
        f"articles): {recall:.3f} (exact = 1.000); candidate search p50 "
        f"{percentile(search_times, 50) * 1000:.0f} ms",
        flush=True,
    )

    # Publishing through the editor's path: article_save -> revision.publish() -> signal.
    home = site_ensure()
    section = section_ensure(home=home, slug="bench", title="Bench")
    author = author_ensure(slug="bench", name="Bench")
    fresh = list(archive(len(texts), texts, seed=99))[-publishes:]
    times, baseline_times = [], []
    published = []
    for number, item in enumerate(fresh):
        started = time.perf_counter()
        article = article_save(
            section=section,
            slug=f"bench-{size}-{number}",
            title=item.story.headline or f"Bench {number}",
            body=[{"type": "paragraph", "value": f"<p>{html.escape(item.story.body)}</p>"}],
            authors=[author],
            published_at=item.published_at,
            tags=list(item.story.tags),
        )
        times.append(time.perf_counter() - started)
        published.append(article)
    for article in published[:5]:
        profile = RelatedProfile.objects.get(pk=article.pk)
        started = time.perf_counter()
        exact_top(
            profile.vector, profile.published_at, ids, days, matrix, vocabulary, 10, profile.pk
        )
        baseline_times.append(time.perf_counter() - started)
    del matrix
    print(
        f"publish one article through article_save -> Wagtail publish -> signal, both "
        f"directions: p50 {percentile(times, 50) * 1000:.0f} ms, p95 "
        f"{percentile(times, 95) * 1000:.0f} ms (n={len(times)}); baseline, exact brute force "
        f"over every profile already in memory (scoring only): p50 "
        f"{percentile(baseline_times, 50) * 1000:.0f} ms",
        flush=True,
    )
    entered = RelatedLink.objects.filter(related_id__in=[a.pk for a in published]).count()
    print(f"  the published articles entered {entered} archive lists (reverse direction)")

    # Rendering: real pages linked to real pages, on the archive-sized link table.
    reader = published[0]
    RelatedLink.objects.filter(article_id=reader.pk).delete()
    RelatedLink.objects.bulk_create(
        RelatedLink(article_id=reader.pk, related_id=other.pk, rank=rank, score=0.5)
        for rank, other in enumerate(published[1:7], start=1)
    )
    page = ArticlePage.objects.get(pk=reader.pk)
    request = RequestFactory().get(page.url or "/")
    block = template.Template("{% load related_tags %}{% related_news page %}")
    context = template.Context({"page": page, "request": request})
    render, render_block, render_baseline = [], [], []
    with CaptureQueriesContext(connection) as queries:
        shown = related_articles(article=page, limit=5)
    for _ in range(300):
        started = time.perf_counter()
        related_articles(article=page, limit=5)
        render.append(time.perf_counter() - started)
    block.render(context)  # warm the site-root cache
    for _ in range(300):
        started = time.perf_counter()
        block.render(context)
        render_block.append(time.perf_counter() - started)
    profile = RelatedProfile.objects.get(pk=reader.pk)
    for _ in range(10):
        started = time.perf_counter()
        services.candidates_find(
            vector=profile.vector, published_at=profile.published_at, exclude=profile.pk
        )
        render_baseline.append(time.perf_counter() - started)
    print(
        f"render: related_articles() {len(queries)} query for {len(shown)} stories, p50 "
        f"{percentile(render, 50) * 1000:.2f} ms, p95 {percentile(render, 95) * 1000:.2f} ms; "
        f"whole block (query + template) p50 {percentile(render_block, 50) * 1000:.2f} ms, p95 "
        f"{percentile(render_block, 95) * 1000:.2f} ms; baseline, computing the list at render "
        f"time: p50 {percentile(render_baseline, 50) * 1000:.0f} ms",
        flush=True,
    )
    own, workers = peak_mib()
    print(
        f"peak memory (max RSS): benchmark process {own:,.0f} MiB, largest rebuild worker "
        f"{workers:,.0f} MiB (sum {own + workers:,.0f} MiB)",
        flush=True,
    )
    return {
        "size": size,
        "rebuild_rate": summary.rate,
        "baseline_rate": base_rate,
        "recall": recall,
        "publish_p95": percentile(times, 95),
        "render_p95": percentile(render, 95),
        "peak_mib": own + workers,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--publishes", type=int, default=40)
    parser.add_argument(
        "--baseline-cap",
        type=int,
        default=20_000,
        help="articles the TF-IDF brute-force baseline runs on (all pairs grow as n squared)",
    )
    parser.add_argument(
        "--recall-sample",
        type=int,
        default=200,
        help="stories the rebuild also searches exactly, for its recall@10",
    )
    args = parser.parse_args()
    settings.DEBUG = False  # no query log while timing
    call_command("migrate", verbosity=0)
    data = shared_data_dir()
    texts = (
        [(*t, "wh") for t in whitehouse(data / "whitehouse-briefing-room")]
        + [(*t, "reuters") for t in reuters(data / "reuters-21578")]
        + [(*t, "bbc") for t in bbc(data / "bbc-news-2225")]
    )
    random.Random(3).shuffle(texts)
    print(
        f"{len(texts):,} real texts; engine mode {engine.MODE}; "
        f"window {services.window_days()} days; database {connection.vendor}"
    )
    counts = Counter(t[4] for t in texts)
    print("sources:", dict(counts))
    for size in args.sizes:
        ArticlePage.objects.filter(slug__startswith="bench-").delete()
        run(size, texts, args.publishes, args.baseline_cap, args.recall_sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
