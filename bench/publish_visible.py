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

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from dateline.newsroom import services  # noqa: E402
from dateline.newsroom.models import Author, SectionPage  # noqa: E402

TIMEOUT = 10.0


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.read().decode()


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
    delays: list[float] = []
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
        waiting = set(urls)
        while waiting and time.perf_counter() - started < TIMEOUT:
            for url in list(waiting):
                if title in fetch(url):
                    waiting.discard(url)
            if waiting:
                time.sleep(0.005)
        delays.append(time.perf_counter() - started if not waiting else float("inf"))
        for _ in range(3):
            for url in urls:
                stale += title not in fetch(url)
    delays.sort()
    p95 = delays[max(0, int(round(0.95 * len(delays))) - 1)]
    print(
        f"publish-to-visible over {len(delays)} publishes, {len(urls)} pages each: "
        f"p50 {statistics.median(delays):.3f} s  p95 {p95:.3f} s  max {delays[-1]:.3f} s"
    )
    print(
        f"  of which publishing itself (article_save: revision, publish, signals, purge): "
        f"p50 {statistics.median(publish_times):.3f} s  max {max(publish_times):.3f} s"
    )
    print(f"stale responses after visible: {stale} of {args.rounds * 3 * len(urls)}")


if __name__ == "__main__":
    main()
