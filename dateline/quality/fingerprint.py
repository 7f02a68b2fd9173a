"""Near-duplicate detection without a search engine: word shingles, MinHash and banded LSH.

Two stories' Jaccard similarity over their 5-word shingles is estimated from 64 MinHash values; LSH
bands (16 bands of 4 values) find candidate pairs without comparing every story with every other.
When the related-news engine can score near-duplicates, `duplicates.py` should ask it instead.
"""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

from dateline.quality.text import words

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
_MERSENNE = (1 << 61) - 1
_MAX = (1 << 32) - 1
# Fixed coefficients, so fingerprints are the same in every process.
_COEFFICIENTS = [
    struct.unpack("<QQ", hashlib.blake2b(f"dateline-{i}".encode(), digest_size=16).digest())
    for i in range(PERMUTATIONS)
]
_COEFFICIENTS = [(a % _MERSENNE | 1, b % _MERSENNE) for a, b in _COEFFICIENTS]


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    """Return the hashed `size`-word shingles of `text` (the whole text when it is shorter)."""
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) < size:
        grams = [" ".join(tokens)]
    else:
        grams = [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    return {
        int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
        for gram in grams
    }


def minhash(shingle_set: set[int]) -> tuple[int, ...]:
    """Return the MinHash signature of a shingle set."""
    if not shingle_set:
        return ()
    return tuple(
        min(((a * value + b) % _MERSENNE) & _MAX for value in shingle_set) for a, b in _COEFFICIENTS
    )


def estimated_similarity(left: tuple[int, ...], right: tuple[int, ...]) -> float:
    """Return the estimated Jaccard similarity of two signatures."""
    if not left or not right:
        return 0.0
    return sum(x == y for x, y in zip(left, right, strict=True)) / len(left)


@dataclass
class FingerprintIndex:
    """Signatures of published stories with LSH buckets for finding near duplicates quickly."""

    signatures: dict[Hashable, tuple[int, ...]] = field(default_factory=dict)
    buckets: dict[tuple[int, tuple[int, ...]], list[Hashable]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, key: Hashable, text: str) -> tuple[int, ...]:
        """Fingerprint `text` under `key` and return its signature."""
        signature = minhash(shingles(text))
        if not signature:
            return signature
        self.signatures[key] = signature
        for band in _bands(signature):
            self.buckets[band].append(key)
        return signature

    def similar(
        self, text: str, *, exclude: Hashable = None, minimum: float = 0.5
    ) -> list[tuple[Hashable, float]]:
        """Return keys of indexed stories resembling `text`, most similar first."""
        signature = minhash(shingles(text))
        if not signature:
            return []
        candidates = {key for band in _bands(signature) for key in self.buckets.get(band, ())}
        candidates.discard(exclude)
        scored = [
            (key, estimated_similarity(signature, self.signatures[key])) for key in candidates
        ]
        return sorted(
            ((key, score) for key, score in scored if score >= minimum),
            key=lambda item: -item[1],
        )


def _bands(signature: tuple[int, ...]) -> list[tuple[int, tuple[int, ...]]]:
    rows = len(signature) // BANDS
    return [(band, signature[band * rows : (band + 1) * rows]) for band in range(BANDS)]
