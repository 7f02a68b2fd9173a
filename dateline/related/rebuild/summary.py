"""What a rebuild reports: how much it did, how long each step took, how its search did."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class RebuildSummary:
    """What a rebuild did and how long it took."""

    mode: str
    articles: int = 0
    links: int = 0
    empty_lists: int = 0
    seconds: float = 0.0
    features: int = 0
    workers: int = 1
    # Seconds spent in each step: profiles, weights, lists (with their writes), indexes, finish.
    stages: dict[str, float] = field(default_factory=dict)
    # Candidate search: "approximate" (common features left out, candidates rescored) or "exact".
    search: str = "exact"
    common_features: int = 0
    # Stories the approximate search found too few candidates for, and so searched exactly.
    exact_fallbacks: int = 0
    # Recall check (`recall_sample`): of the exact top 10 of the stories checked, how many the
    # candidate search found.
    recall_hits: int = 0
    recall_total: int = 0
    recall_checked: int = 0

    @property
    def recall(self) -> float | None:
        """Recall@10 of the candidate search against exact search, or None when not checked."""
        return self.recall_hits / self.recall_total if self.recall_total else None

    @property
    def rate(self) -> float:
        """Articles per second."""
        return self.articles / self.seconds if self.seconds else 0.0


class StageClock:
    """Time a rebuild's steps one after another, from the moment the clock is made."""

    def __init__(self, stages: dict[str, float]) -> None:
        self.stages = stages
        self.started = time.perf_counter()

    def end(self, name: str) -> float:
        """Record the time since the previous step ended as step `name`; return the time so far."""
        elapsed = time.perf_counter() - self.started
        self.stages[name] = elapsed - sum(self.stages.values())
        return elapsed
