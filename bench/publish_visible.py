"""Publish-to-visible: how long after publishing a story do readers see it, and is anything stale?

    DJANGO_SETTINGS_MODULE=... python bench/publish_visible.py BASE_URL [BASE_URL...] [--rounds N]

Publishes N stories through `newsroom.services.article_save` (the editor's path: revision, publish,
signals, purge) into the first section, and after each one polls the home page and the section page
at every BASE_URL (e.g. `dateline serve` alone and the nginx front) until the new headline appears.
Prints p50/p95/max seconds, then fetches every page again several times and counts any response
that still lacks the headline (stale pages served after it became visible). Benchmark use only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from dateline.newsroom import services  # noqa: E402
from dateline.newsroom.models import Author, SectionPage  # noqa: E402

TIMEOUT = 30.0


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback only)
        return response.read().decode()


def wait_for(url: str, title: str, started: float) -> float:
    """Poll `url` until it shows `title`; return the seconds since `started` (inf on timeout)."""
    while time.perf_counter() - started < TIMEOUT:
        if title in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.005)
    return float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bases", nargs="+")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    for base in args.bases:
        if not base.startswith("http://127.0.0.1:"):
            sys.exit(f"{base}: only http://127.0.0.1 targets are allowed")
    home = services.site_ensure()
    section = SectionPage.objects.child_of(home).live().order_by("path").first()
    author = Author.objects.order_by("pk").first()
    urls = [
        base.rstrip("/") + path
        for base in args.bases
        for path in ("/", section.url_path[len(home.url_path) - 1 :])
    ]
    for url in urls:
        fetch(url)  # warm: every page is in the cache before the publish
    delays: list[float] = []  # from the editor's publish call to every page showing the story
    after: list[float] = []  # from the moment the publish returned (committed) to the same
    publish_times: list[float] = []
    stale = 0
    stamp = int(time.time())
    for n in range(args.rounds):
        title = f"Visible test {stamp}-{n}"
        for url in urls:
            fetch(url)
        started = time.perf_counter()
        services.article_save(
            section=section,
            slug=f"visible-test-{stamp}-{n}",
            title=title,
            body=[{"type": "paragraph", "value": "<p>Publish-to-visible probe.</p>"}],
            authors=[author],
            published_at=timezone.now(),
        )
        publish_times.append(time.perf_counter() - started)
        # One reader per page, polling in parallel, as real readers would.
        with ThreadPoolExecutor(max_workers=len(urls)) as pool:
            seen = list(pool.map(wait_for, urls, repeat(title), repeat(started)))
        done = max(seen)
        delays.append(done)
        after.append(done - publish_times[-1])
        for _ in range(3):
            for url in urls:
                stale += title not in fetch(url)

    def summary(values: list[float]) -> str:
        values = sorted(values)
        p95 = values[max(0, int(round(0.95 * len(values))) - 1)]
        return f"p50 {statistics.median(values):.3f} s  p95 {p95:.3f} s  max {values[-1]:.3f} s"

    print(f"publish-to-visible over {len(delays)} publishes, {len(urls)} pages each:")
    print(f"  after the publish returned: {summary(after)}")
    print(f"  from the publish call:      {summary(delays)}")
    print(
        f"  the publish itself (article_save: revision, publish, signals, purge): "
        f"{summary(publish_times)}"
    )
    print(f"stale responses after visible: {stale} of {args.rounds * 3 * len(urls)}")


if __name__ == "__main__":
    main()
