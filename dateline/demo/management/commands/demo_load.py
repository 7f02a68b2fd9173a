"""`dateline demo_load`: load the demo newsroom's content (safe to re-run)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from dateline.demo.loader import demo_articles, demo_editor_ensure, demo_load


class Command(BaseCommand):
    help = "Load the demo newsroom: sections, authors, the reference article and sample stories."

    def add_arguments(self, parser):
        parser.add_argument("--editor", help="also create this demo editor account if missing")
        parser.add_argument("--password", help="password for a newly created demo editor")
        parser.add_argument("--site-host", help="the host name the demo site answers as")
        parser.add_argument("--site-port", type=int, help="the port the demo site answers on")

    def handle(self, *args, editor=None, password=None, site_host=None, site_port=None, **options):
        total = len(demo_articles())
        with tqdm(total=total, desc="Demo articles", unit="article", disable=None) as bar:
            summary = demo_load(
                progress=lambda _slug: bar.update(1), site_host=site_host, site_port=site_port
            )
            bar.update(total - bar.n)
        self.stdout.write(
            f"Demo content: {summary.sections} sections, {summary.authors} authors, "
            f"{summary.articles_created} articles created ({summary.pictures} pictures drawn), "
            f"{summary.articles_kept} already there, "
            f"{summary.events_created} On this day events added."
        )
        for problem in summary.problems:
            self.stderr.write(f"Published with a problem: {problem}")
        if editor:
            if not password:
                self.stderr.write("--password is required with --editor")
                return
            _, created = demo_editor_ensure(username=editor, password=password)
            state = "created" if created else "already exists"
            self.stdout.write(f"Demo editor account {editor!r} {state}.")
