"""What an import run did, or would do: counts per kind and action, notes, and per-item details.

Every source (WordPress, saved pages) reports in this one shape, so `dateline import` prints the same
summary table and `--format json` the same items whatever the archive was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

ACTIONS = ("create", "update", "skip")
# How a run shows progress: it wraps the items it will import (tqdm in the command).
Progress = Callable[[Iterable[Any]], Iterable[Any]]


class ImportFailed(Exception):
    """The run was refused or stopped; nothing was changed. The message names the item at fault."""


@dataclass
class ImportReport:
    """What a run did (or would do): counts per kind and action, notes, and per-item details."""

    committed: bool = False
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)

    def count(self, kind: str, action: str, number: int = 1) -> None:
        """Add `number` to the tally of `action` (create, update, skip, or a note-worthy other)."""
        self.counts.setdefault(kind, Counter())[action] += number

    def note(self, message: str) -> None:
        """Record something a person should know about the import."""
        self.notes.append(message)

    def total(self, action: str) -> int:
        """Return how many items of every kind had `action`."""
        return sum(counter[action] for counter in self.counts.values())

    def table(self) -> str:
        """Return the summary as a plain-text table: one row per kind, one column per action."""
        extra = sorted({a for c in self.counts.values() for a in c} - set(ACTIONS))
        columns = [*ACTIONS, *extra]
        header = ["kind", *columns, "total"]
        rows = [header]
        for kind in sorted(self.counts):
            counter = self.counts[kind]
            rows.append([kind, *(str(counter[c]) for c in columns), str(sum(counter.values()))])
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = []
        for index, row in enumerate(rows):
            lines.append(
                "  ".join(
                    cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                    for i, cell in enumerate(row)
                )
            )
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)
