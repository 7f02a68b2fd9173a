"""`dateline search rebuild`: index every published story for the reader search again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from dateline.newsroom.models import ArticlePage
from dateline.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the reader search's index from the published stories (safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="index every live, public story again")

    def handle(self, *args: Any, **options: Any) -> None:
        total = ArticlePage.objects.live().public().count()
        with tqdm(total=total, desc="Search index", unit="story", disable=None) as bar:
            done = search_index_rebuild(progress=bar.update)
        self.stdout.write(f"Search index: {done} stories indexed.")
