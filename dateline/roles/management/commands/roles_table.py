"""`dateline roles_table [--write]`: print (or write into docs) the roles' permissions table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dateline.roles.table import document_with_table, roles_table
from dateline.settings.env import PROJECT_ROOT

DOCUMENT = PROJECT_ROOT / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Print the newsroom roles' permissions table, or write it into docs/permissions.md."

    def add_arguments(self, parser: CommandParser) -> None:
        """Take --write and the document's path."""
        parser.add_argument("--write", action="store_true", help="update the document in place")
        parser.add_argument("--document", type=Path, default=DOCUMENT)

    def handle(self, *args: Any, write: bool, document: Path, **options: Any) -> None:
        """Print the table, or replace the table in the document between its markers."""
        if not write:
            self.stdout.write(roles_table(), ending="")
            return
        document.write_text(document_with_table(document.read_text(encoding="utf-8")), "utf-8")
        self.stdout.write(f"Wrote the roles table into {document}")
