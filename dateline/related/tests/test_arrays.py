"""The rebuild's array form of the weighting gives the engine's vectors, caps and ties included."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from django.test import SimpleTestCase

from dateline.related import arrays, engine

PLACES = ["Beijing", "Moscow", "Kyiv", "Warsaw", "Ankara", "Tehran", "Delhi", "Tokyo", "Seoul"]
PEOPLE = [
    "Wang Yi",
    "Sergei Lavrov",
    "Olaf Scholz",
    "Rishi Sunak",
    "Narendra Modi",
    "Fumio Kishida",
]


def stories(count: int, seed: int = 4) -> list[engine.Story]:
    """Stories long enough to pass the term and name caps, with many equal weights (ties)."""
    rng = random.Random(seed)
    words = [
        f"{a}{b}" for a in ("gas", "oil", "grain", "steel", "rail", "port") for b in "abcdefghij"
    ]
    out = []
    for _ in range(count):
        body = []
        for _ in range(rng.randrange(5, 40)):
            body.append(
                f"{rng.choice(PEOPLE)} met officials from {rng.choice(PLACES)} about "
                + " ".join(rng.sample(words, 6))
                + f". Talks with {rng.choice(PLACES)} Trade Office {rng.randrange(30)} continued."
            )
        out.append(
            engine.Story(
                headline=" ".join(rng.sample(words, 4)),
                standfirst=rng.choice(PEOPLE) + " visits " + rng.choice(PLACES),
                body=" ".join(body),
                tags=rng.sample(["energy", "trade", "diplomacy", "china-russia"], 2),
                sections=[rng.randrange(3)],
            )
        )
    out.append(engine.Story())  # an empty story has an empty vector
    return out


class RowsWeighTests(SimpleTestCase):
    def test_same_vectors_as_profile_vector(self):
        profiles = [engine.story_profile(story) for story in stories(120)]
        df: Counter = Counter()
        for profile in profiles:
            df.update(profile.counts.keys())
        vocabulary: dict[str, int] = {}
        cols, counts, indptr = [], [], [0]
        for profile in profiles:
            for feature, count in profile.counts.items():
                cols.append(vocabulary.setdefault(feature, len(vocabulary)))
                counts.append(count)
            indptr.append(len(cols))
        names = list(vocabulary)
        document_frequency = np.array([df[name] for name in names])
        out_indptr, out_cols, values = arrays.rows_weigh(
            indptr=np.array(indptr),
            cols=np.array(cols, dtype=np.int32),
            counts=np.array(counts),
            idf=arrays.idf_table(document_frequency, documents=len(profiles)),
            kinds=arrays.feature_kinds(names),
            order=arrays.feature_order(names),
        )
        capped = 0
        for row, profile in enumerate(profiles):
            expected = engine.profile_vector(profile, df=df, documents=len(profiles))
            begin, end = out_indptr[row], out_indptr[row + 1]
            got = {names[c]: v for c, v in zip(out_cols[begin:end], values[begin:end], strict=True)}
            # Same features in the same order (strongest first, ties by name), same weights.
            self.assertEqual(list(got), list(expected))
            for feature, weight in expected.items():
                self.assertAlmostEqual(got[feature], weight, delta=1e-6)
            capped += len(profile.counts) > len(expected)
        self.assertGreater(capped, 50)  # the caps were exercised

    def test_no_rows(self):
        indptr, cols, values = arrays.rows_weigh(
            indptr=np.zeros(1, dtype=np.int64),
            cols=np.zeros(0, dtype=np.int32),
            counts=np.zeros(0),
            idf=np.zeros(0),
            kinds=np.zeros(0, dtype=np.int8),
            order=np.zeros(0, dtype=np.int64),
        )
        self.assertEqual((len(indptr), len(cols), len(values)), (1, 0, 0))
