"""Render a page uncached N times in-process: `bench/render_instructions.sh` counts its instructions.

    .venv/bin/python bench/render_instructions.py PATH N

Renders PATH five times to warm up (checking it answers 200), then N more times, through Django's
test client with the page cache off. Run under `perf stat -e instructions` with N and with 0: the
difference divided by N is the CPU instructions of one uncached render, a figure that does not
depend on how busy the machine is.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.production")
os.environ["DATELINE_PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402


def main() -> None:
    """Warm up on PATH, then render it N more times."""
    path, renders = sys.argv[1], int(sys.argv[2])
    client = Client()
    for _ in range(5):
        status = client.get(path, HTTP_HOST="127.0.0.1").status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    for _ in range(renders):
        client.get(path, HTTP_HOST="127.0.0.1")


if __name__ == "__main__":
    main()
