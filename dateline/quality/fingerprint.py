"""Near-duplicate detection without a search engine: word shingles and bottom-k MinHash sketches.

A story's sketch is the 64 smallest hashes of its 5-word shingles. Two sketches estimate the Jaccard
similarity of the stories' shingle sets (the share of the 64 smallest hashes of their union found in
both). An inverted index over sketch values finds candidates without comparing every pair. When the
related-news engine can score near-duplicates, `duplicates.py` should ask it instead.
"""

from __future__ import annotations

import heapq
import zlib
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

from dateline.quality.text import words

SHINGLE = 5
SKETCH = 64
# Candidates must share this many sketch values before their similarity is estimated.
MIN_SHARED = 8
# At most this many candidates (those sharing most values) have their similarity estimated.
MAX_ESTIMATED = 20
# A sketch value found in more stories than this is boilerplate ("Fact sheet: President ..."),
# useless for telling stories apart, and is not looked up.
MAX_POSTING = 50


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    """Return the hashed `size`-word shingles of `text` (the whole text when it is shorter)."""
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) < size:
        grams = [" ".join(tokens)]
    else:
        grams = [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    # CRC-32 is stable across processes and fast; a rare collision only nudges an estimate.
    return {zlib.crc32(gram.encode()) for gram in grams}


def sketch(shingle_set: set[int]) -> frozenset[int]:
    """Return the bottom-k MinHash sketch of a shingle set."""
    return frozenset(heapq.nsmallest(SKETCH, shingle_set))


def estimated_similarity(left: frozenset[int], right: frozenset[int]) -> float:
    """Return the estimated Jaccard similarity of two sketches."""
    if not left or not right:
        return 0.0
    k = min(SKETCH, len(left | right))
    union_bottom = heapq.nsmallest(k, left | right)
    return sum(1 for value in union_bottom if value in left and value in right) / k


@dataclass
class FingerprintIndex:
    """Sketches of published stories, with an inverted index for finding near duplicates."""

    sketches: dict[Hashable, frozenset[int]] = field(default_factory=dict)
    postings: dict[int, list[Hashable]] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: Hashable, text: str) -> frozenset[int]:
        """Fingerprint `text` under `key` and return its sketch."""
        signature = sketch(shingles(text))
        if signature:
            self.sketches[key] = signature
            for value in signature:
                self.postings[value].append(key)
        return signature

    def similar(
        self, text: str, *, exclude: Hashable = None, minimum: float = 0.5
    ) -> list[tuple[Hashable, float]]:
        """Return keys of indexed stories resembling `text`, most similar first."""
        signature = sketch(shingles(text))
        if not signature:
            return []
        shared = Counter(
            key
            for value in signature
            if len(posting := self.postings.get(value, ())) <= MAX_POSTING
            for key in posting
        )
        shared.pop(exclude, None)
        needed = min(MIN_SHARED, len(signature))
        scored = [
            (key, estimated_similarity(signature, self.sketches[key]))
            for key, count in shared.most_common(MAX_ESTIMATED)
            if count >= needed
        ]
        return sorted(
            ((key, score) for key, score in scored if score >= minimum), key=lambda item: -item[1]
        )
