"""`dateline restore PATH [--force]`: put a backup back into an empty database and data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.backup.archive import BackupError
from dateline.backup.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `dateline backup` into an empty database and media folder "
        "(a new data folder, or a database that was only migrated); --force replaces a site's content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="an archive written by `dateline backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the content of a database and media folder that are not empty",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = (lambda line: self.stdout.write(f"  {line}")) if options["verbosity"] > 1 else None
        try:
            summary = backup_restore(path=options["path"], force=options["force"], progress=report)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.path}: {summary.rows} rows in {summary.tables} tables, "
            f"{summary.media_files} media files, search indexes rebuilt, in {summary.seconds:.1f} s."
        )
