"""`dateline import wordpress|html ...`: bring an archive in, as a dry run unless --commit."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dateline.importers.report import ImportFailed, ImportReport, Progress
from dateline.importers.wordpress import wordpress_import


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) or saved article pages (HTML, or plain-text captures). "
        "Nothing is written without --commit: a dry run reports what would be created, updated and "
        "skipped. Re-running updates what an earlier run imported instead of duplicating it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add one subcommand per source, each with --commit and --no-progress."""
        kinds = parser.add_subparsers(dest="kind", required=True, parser_class=type(parser))
        wp = kinds.add_parser("wordpress", help="a WordPress export file (Tools → Export)")
        wp.add_argument("export", type=Path, help="the WXR file (.xml)")
        wp.add_argument("--media-dir", type=Path, help="a copy of wp-content/uploads (no network)")
        wp.add_argument("--author", default="Staff", help="byline for posts without an author")
        wp.add_argument(
            "--shortcode",
            action="append",
            default=[],
            metavar="NAME",
            help="a shortcode of the site's own to remove (repeatable; WordPress's are read)",
        )
        wp.add_argument(
            "--parent-section",
            metavar="NAME",
            help="put the categories' sections under this section (slug or title; made if missing)",
        )
        wp.add_argument(
            "--menu",
            action="append",
            default=[],
            metavar="NAME",
            help="show this imported section in the site's menu (slug or title; repeatable)",
        )
        html = kinds.add_parser("html", help="saved article pages (.html, .htm, .txt captures)")
        html.add_argument("source", type=Path, help="a page, or a folder of pages")
        html.add_argument("--section", help="file every page under this section")
        html.add_argument("--author", default="Staff", help="byline for pages that name no author")
        html.add_argument("--format", choices=["table", "json"], default="table")
        for sub in (wp, html):
            sub.add_argument("--commit", action="store_true", help="write the changes")
            sub.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the import; print its notes and summary (or its items as JSON), or why it failed."""
        progress: Progress | None = None
        if not options["no_progress"]:

            def progress(items: Iterable[Any]) -> Iterable[Any]:
                return tqdm(items, desc="Importing", unit="item", file=sys.stderr, leave=False)

        try:
            if options["kind"] == "wordpress":
                report = wordpress_import(
                    path=options["export"],
                    media_dir=options["media_dir"],
                    commit=options["commit"],
                    default_author=options["author"],
                    shortcodes=options["shortcode"],
                    parent_section=options["parent_section"],
                    menu=options["menu"],
                    progress=progress,
                )
            else:
                # Imported here: the HTML extractor loads trafilatura, which WordPress runs never use.
                from dateline.importers.html import html_import

                report = html_import(
                    source=options["source"],
                    section=options["section"],
                    commit=options["commit"],
                    default_author=options["author"],
                    progress=progress,
                )
        except ImportFailed as exc:
            raise CommandError(f"{exc}\nThe site was not changed.") from exc
        if options.get("format") == "json":
            self.stdout.write(json.dumps(report.items, indent=2, ensure_ascii=False, default=str))
            return
        self._summary(report)

    def _summary(self, report: ImportReport) -> None:
        for note in report.notes:
            self.stdout.write(f"  note: {note}")
        self.stdout.write("")
        self.stdout.write(report.table())
        self.stdout.write("")
        if report.committed:
            self.stdout.write(self.style.SUCCESS("Imported."))
        else:
            self.stdout.write(
                self.style.WARNING("Dry run: nothing was written. Add --commit to import.")
            )
