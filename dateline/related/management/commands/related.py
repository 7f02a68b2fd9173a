"""`dateline related rebuild` and `dateline related score FILE.csv`: run the Related News engine."""

from __future__ import annotations

import contextlib
import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dateline.related import engine, semantic
from dateline.related.config import related_mode
from dateline.related.reading import article_items
from dateline.related.rebuild import related_rebuild


class Command(BaseCommand):
    help = (
        "Related News engine. 'rebuild' recomputes every stored list (safe to interrupt and "
        "re-run); 'score FILE.csv' adds a 'score' column for the text1/text2 columns of a CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the two actions, `rebuild` and `score`, and their options."""
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "rebuild", help="Recompute all profiles, the index and every stored list."
        )
        rebuild.add_argument(
            "--exact",
            action="store_true",
            help="search every pair of each age window (lexical mode searches approximately)",
        )
        rebuild.add_argument(
            "--check-recall",
            type=int,
            default=0,
            metavar="N",
            help="also search N stories exactly and print the search's recall@10 against that",
        )
        score = sub.add_parser("score", help="Score text pairs with the engine's similarity.")
        score.add_argument("file", help="CSV with columns text1 and text2 ('-' for stdin)")
        score.add_argument("--output", "-o", default="-", help="where to write (default stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the action asked for."""
        if options["action"] == "rebuild":
            if options["check_recall"] < 0:
                raise CommandError("--check-recall takes a number of stories, 0 or more")
            return self._rebuild(exact=options["exact"], recall_sample=options["check_recall"])
        return self._score(options["file"], options["output"])

    def _mode(self) -> str:
        try:
            return related_mode()
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error

    @staticmethod
    def _describe(mode: str) -> str:
        return f"{mode} mode ({semantic.MODEL_NAME})" if mode == engine.SEMANTIC else f"{mode} mode"

    def _rebuild(self, *, exact: bool, recall_sample: int) -> None:
        mode = self._mode()
        items = article_items()
        self.stdout.write(
            f"Related News rebuild ({self._describe(mode)}): {len(items)} published articles; every "
            "stored list will be replaced."
        )
        with contextlib.ExitStack() as stack:
            encode = None
            if mode == engine.SEMANTIC:
                encode = stack.enter_context(
                    tqdm(
                        total=len(items),
                        desc="embedding",
                        unit="article",
                        file=sys.stderr,
                        disable=None,
                    )
                ).update
            # One bar over both passes: profiling every story, then listing every story.
            bar = stack.enter_context(
                tqdm(total=2 * len(items), unit="step", file=sys.stderr, disable=None)
            )

            def progress(stage: str, done: int) -> None:
                bar.set_description(stage, refresh=False)
                bar.update(done)

            summary = related_rebuild(
                items=items,
                progress=progress,
                encode_progress=encode,
                exact=exact,
                recall_sample=recall_sample,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {summary.seconds:.1f} s ({summary.rate:.0f} articles/s, "
                f"{summary.workers} processes), mode "
                f"{summary.mode}: {summary.articles} articles, {summary.links} related links, "
                f"{summary.empty_lists} articles with nothing related, {summary.features} features."
            )
        )
        self.stdout.write(
            "Steps: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.stages.items())
        )
        search = f"Search: {summary.search}"
        if summary.search == "approximate":
            search += f" ({summary.common_features} common features left out, candidates rescored)"
        if summary.recall is not None:
            search += (
                f"; recall@10 against exact search {summary.recall:.3f} "
                f"({summary.recall_checked} stories checked)"
            )
        self.stdout.write(search + ".")

    def _score(self, file: str, output: str) -> None:
        csv.field_size_limit(sys.maxsize)
        source = sys.stdin if file == "-" else None
        try:
            handle = source or Path(file).open(newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        with handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            if "text1" not in fields or "text2" not in fields:
                raise CommandError(f"{file} needs columns text1 and text2 (found: {fields})")
            rows = list(reader)
        mode = self._mode()
        scores = engine.texts_score(
            ((row["text1"] or "", row["text2"] or "") for row in rows),
            mode=mode,
            embed=semantic.stories_embed,
        )
        self.stderr.write(f"Scored {len(rows)} pairs in {self._describe(mode)}.")
        out_fields = fields if "score" in fields else [*fields, "score"]
        with contextlib.ExitStack() as stack:
            target = (
                sys.stdout
                if output == "-"
                else stack.enter_context(Path(output).open("w", newline="", encoding="utf-8"))
            )
            writer = csv.DictWriter(target, fieldnames=out_fields, lineterminator="\n")
            writer.writeheader()
            for row, value in zip(rows, scores, strict=True):
                writer.writerow({**row, "score": f"{value:.6f}"})
