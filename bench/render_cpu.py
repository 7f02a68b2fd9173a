"""CPU time of one uncached page render, in-process: Dateline's page or the bare Wagtail peer's.

    .venv/bin/python bench/render_cpu.py PATH N            (Dateline; settings from the environment)
    PEER_SITE=DIR peer-python bench/render_cpu.py PATH N   (a Wagtail project folder, e.g. the peer's)

Renders PATH ten times to warm up (checking it answers 200), then N times through Django's test
client, and prints the process CPU time per render in milliseconds. `bench/render_cpu.sh` runs it
for both sites in alternation: CPU time is less sensitive to other load than throughput, and
alternating rounds shares what remains between the two (docs/performance.md). Where the machine
has hardware counters, `bench/render_instructions.sh` runs it under `perf stat` with N and with 0
and reports the instructions of one render instead.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

peer = os.environ.get("PEER_SITE")
if peer:
    sys.path.insert(0, peer)
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.production")
    os.environ["DATELINE_PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402


def main() -> None:
    """Warm up on PATH, then render it N times and print the CPU milliseconds per render."""
    path, renders = sys.argv[1], int(sys.argv[2])
    client = Client()
    for _ in range(10):
        status = client.get(path, HTTP_HOST="127.0.0.1").status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    started = time.process_time()
    for _ in range(renders):
        client.get(path, HTTP_HOST="127.0.0.1")
    if renders:
        print(f"{(time.process_time() - started) / renders * 1000:.3f}")


if __name__ == "__main__":
    main()
