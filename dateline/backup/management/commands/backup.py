"""`dateline backup PATH`: write one archive of the database and the media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dateline.backup.archive import BackupError
from dateline.backup.services import backup_create


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the database's rows and the media folder, read in one "
        "consistent snapshot; `dateline restore` puts it back (docs/backups.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write, e.g. site.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        report = (lambda line: self.stdout.write(f"  {line}")) if options["verbosity"] > 1 else None
        try:
            summary = backup_create(path=options["path"], progress=report)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = summary.path.stat().st_size
        self.stdout.write(
            f"Backup written to {summary.path} ({size / 1e6:.1f} MB): {summary.rows} rows in "
            f"{summary.tables} tables, {summary.media_files} media files, "
            f"in {summary.seconds:.1f} s."
        )
