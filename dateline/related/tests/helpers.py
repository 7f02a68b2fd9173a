"""Shared test helpers for the Related News engine."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from django.core.management import call_command


def score_csv(rows: list[dict]) -> tuple[list[dict], str]:
    """Run `dateline related score` on `rows` as a CSV file; return its output rows and stderr."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "pairs.csv", Path(folder) / "scored.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        err = io.StringIO()
        call_command("related", "score", str(source), "-o", str(target), stderr=err)
        with target.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle)), err.getvalue()
