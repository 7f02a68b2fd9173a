"""Time `dateline almanac import` on the Wikipedia "On this day" file (18,587 events).

Run:  .venv/bin/python bench/almanac_import.py  [--database-url URL]
Default database: a throwaway SQLite file. Figures are printed beside a baseline measured in the
same run: reading the JSON and bulk-inserting the same number of unchecked events, which is about
the least any importer could do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="almanac-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")
    os.environ.setdefault("DATELINE_DATA_DIR", folder)

    import django

    django.setup()
    import io
    import json

    from django.core.management import call_command

    from dateline.almanac.models import Event
    from dateline.settings.env import shared_data_dir

    history = shared_data_dir() / "onthisday-wikipedia-events" / "history.json"
    if not history.is_file():
        sys.exit(f"{history} not found: set DATELINE_SHARED_DATA to the shared data folder")
    call_command("migrate", verbosity=0, interactive=False)
    Event.objects.all().delete()

    # Baseline: read the JSON, bulk-insert the same number of events with no checks at all.
    started = time.perf_counter()
    data = json.loads(history.read_text(encoding="utf-8"))
    raw = []
    for month, days in data.items():
        for day, lines in days.items():
            for index, line in enumerate(lines):
                year, text = line.split(": ", 1)
                raw.append(
                    Event(
                        month=int(month),
                        day=int(day),
                        year=int(year),
                        text=text,
                        key=f"raw/{month}/{day}/{index}",
                    )
                )
    Event.objects.bulk_create(raw, batch_size=500)
    baseline = time.perf_counter() - started
    Event.objects.all().delete()

    def timed_import() -> tuple[float, str]:
        out = io.StringIO()
        started = time.perf_counter()
        call_command("almanac", "import", str(history), stdout=out, stderr=io.StringIO())
        return time.perf_counter() - started, out.getvalue().strip().splitlines()[-1]

    first, first_report = timed_import()
    second, second_report = timed_import()
    engine = django.db.connection.vendor
    print(f"database: {engine}; events: {len(raw)}")
    print(f"baseline (read JSON + unchecked bulk insert): {baseline:6.2f} s   1.00x")
    print(f"almanac import, first run:                    {first:6.2f} s  {first / baseline:5.2f}x")
    print(f"  {first_report}")
    print(
        f"almanac import, re-run (adds nothing):        {second:6.2f} s  {second / baseline:5.2f}x"
    )
    print(f"  {second_report}")


if __name__ == "__main__":
    main()
