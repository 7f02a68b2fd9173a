"""`dateline almanac import FILE [--reviewed] [--dry-run]`: add events to the On this day almanac.

Reads CSV, JSON (a list of events or {"events": [...]}) and the Wikipedia layout
({"<month>": {"<day>": ["YEAR: text", ...]}}); see docs/almanac.md for the columns. Safe to re-run:
events already in the almanac are recognised by their natural key and left alone.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dateline.almanac.importing import AlmanacFileError, parse_file
from dateline.almanac.services import events_import

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = "Manage the On this day almanac: `almanac import FILE [--reviewed] [--dry-run]`."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importer = actions.add_parser(
            "import",
            help="import events from a CSV or JSON file (unreviewed unless --reviewed)",
            description="Import events from a CSV or JSON file; safe to re-run.",
        )
        importer.add_argument("file", type=Path, help="a .csv or .json file")
        importer.add_argument(
            "--reviewed",
            action="store_true",
            help="mark the new events reviewed, so readers see them at once",
        )
        importer.add_argument(
            "--source", default="", help="credit for rows that name no source of their own"
        )
        importer.add_argument(
            "--dry-run", action="store_true", help="check the file and report; store nothing"
        )

    def handle(self, *args, action: str, **options):
        if action == "import":
            self._import(
                options["file"],
                reviewed=options["reviewed"],
                source=options["source"],
                dry_run=options["dry_run"],
            )

    def _import(self, path: Path, *, reviewed: bool, source: str, dry_run: bool) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.perf_counter()
        try:
            parsed = parse_file(path, default_source=source)
        except AlmanacFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        state = "reviewed" if reviewed else "awaiting review"
        self.stdout.write(
            f"{path.name}: {parsed.layout} layout, {len(parsed.rows)} good rows, "
            f"{len(parsed.errors)} bad rows. New events will be marked {state}."
        )
        for error in parsed.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(f"  skipped {error}")
        if len(parsed.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(f"  ... and {len(parsed.errors) - MAX_ERRORS_SHOWN} more bad rows")
        if dry_run:
            self.stdout.write("Dry run: nothing stored.")
            return
        with tqdm(total=len(parsed.rows), desc="Events", unit="event", disable=None) as bar:
            report = events_import(rows=parsed.rows, reviewed=reviewed, progress=bar.update)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.created} new events; {report.existing} already in the almanac, "
                f"{report.repeated} repeated in the file, {len(parsed.errors)} bad rows skipped "
                f"({elapsed:.1f} s)."
            )
        )
