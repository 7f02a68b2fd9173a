"""`dateline check`: run the editorial quality checks over the whole site, or on a text file."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dateline.quality import selectors
from dateline.quality.extract import page_text_subjects
from dateline.quality.report import report_json, report_text
from dateline.quality.runner import has_errors


class Command(BaseCommand):
    help = (
        "Run the editorial quality checks over the whole site (or with --text on a plain passage) "
        "and report the findings. Exits with status 1 when any finding is an error. Reads only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--text",
            metavar="FILE",
            help="check FILE ('-' for standard input) as if it were an article body",
        )
        parser.add_argument("--title", default="", help="with --text: the headline")
        parser.add_argument(
            "--published", help="with --text: the publication date (YYYY-MM-DD) for the date checks"
        )
        parser.add_argument(
            "--section", action="append", default=[], help="with --text: a section (repeatable)"
        )
        parser.add_argument(
            "--page-text",
            action="store_true",
            help="with --text: FILE is a whole article page copied from a browser (date line, "
            "sections, headline, body, About Us, On this day)",
        )
        parser.add_argument(
            "--on-this-day-date",
            help="with --page-text: the On this day entry's own date (YYYY-MM-DD), when known",
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, **options):
        if options["text"]:
            findings = self._text(options)
        else:
            show = not options["no_progress"] and options["format"] == "text"

            def progress(total):
                return tqdm(
                    total=total, desc="Checking", unit="item", file=sys.stderr, disable=not show
                )

            findings = selectors.site_findings(progress=progress)
        output = report_json(findings) if options["format"] == "json" else report_text(findings)
        self.stdout.write(output)
        if has_errors(findings):
            # A non-zero status lets CI and cron jobs act on errors; the report is already written.
            sys.exit(1)

    def _text(self, options):
        source = options["text"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror}") from exc
        if options["page_text"]:
            otd_date = _date_option(options["on_this_day_date"], "--on-this-day-date")
            subjects = page_text_subjects(
                text,
                known_sections=options["section"],
                on_this_day_date=otd_date.date() if otd_date else None,
            )
            return selectors.subjects_findings(subjects=subjects)
        published = _date_option(options["published"], "--published")
        return selectors.text_findings(
            text=text,
            title=options["title"],
            published_at=published,
            sections=options["section"],
            label=f"Text {Path(source).name if source != '-' else '(standard input)'}",
        )


def _date_option(value: str | None, name: str) -> dt.datetime | None:
    """Parse a date option as an aware datetime (UTC when no offset is given)."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{name} takes a date such as 2022-12-09") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
