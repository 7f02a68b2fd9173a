"""Measure the Related News engine's quality on data nobody here wrote, beside a TF-IDF baseline.

1. SemEval-2022 Task 8, English-English pairs: Pearson correlation between the engine's score
   (`dateline related score`, the exact function the engine ranks with) and the human "Overall"
   similarity (negated: 1 = very similar, 4 = very dissimilar).
2. Reuters-21578, documents with exactly one TOPICS label: precision@5, the share of each story's five
   most related stories that carry the same topic.

3. The score distributions behind the minimum scores: SemEval pairs judged related and unrelated,
   and Reuters lists of five cut at each mode's minimum.

The engine runs in the mode DATELINE_RELATED_MODE selects (auto: semantic when the model package is
installed); in semantic mode the lexical engine is measured too, and the semantic parameters are
cross-validated on the SemEval pairs (repeated k-fold: each training split picks the best point of a
grid among those that keep Reuters precision@5 at least the previous engine's; the held-out split is
scored with it).

Run: .venv/bin/python bench/related_quality.py [--reuters-limit 4000] [--folds 10 --repeats 10]
     [--cache /tmp/related-quality]
Needs the bench extra (scikit-learn) for the baseline: pip install -e '.[bench]'
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import itertools
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from dateline.related import engine, semantic  # noqa: E402
from dateline.related.services import related_mode  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402


def semeval_pairs(path: Path) -> list[dict]:
    """Return the original English-English pairs: both languages "en" and a plain numeric pair id."""
    csv.field_size_limit(10**8)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        row
        for row in rows
        if row["lang1"] == "en"
        and row["lang2"] == "en"
        and row["pair_id"].replace("_", "").isdigit()
    ]


def pearson(x, y) -> float:
    """Return Pearson's correlation coefficient."""
    return float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1])


def tfidf_pair_scores(pairs: list[tuple[str, str]]) -> list[float]:
    """Return the plain TF-IDF cosine of each pair (idf from the same texts)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t for pair in pairs for t in pair]
    matrix = TfidfVectorizer().fit_transform(texts)
    return [float(matrix[2 * i].multiply(matrix[2 * i + 1]).sum()) for i in range(len(pairs))]


_REUTERS = re.compile(r"<REUTERS(.*?)</REUTERS>", re.S)


def reuters_docs(folder: Path) -> list[tuple[str, str, str]]:
    """Return (title, body, topic) for the documents with a body and exactly one topic."""
    docs = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        raw = path.read_bytes().decode("latin-1")
        for chunk in _REUTERS.findall(raw):
            topics = re.findall(
                r"<D>(.*?)</D>", re.search(r"<TOPICS>(.*?)</TOPICS>", chunk, re.S)[1]
            )
            body = re.search(r"<BODY>(.*?)</BODY>", chunk, re.S)
            if len(topics) != 1 or body is None:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", chunk, re.S)
            docs.append(
                (
                    html.unescape(title[1]) if title else "",
                    html.unescape(body[1]).replace("\x03", ""),
                    topics[0],
                )
            )
    return docs


def precision_at_5(scores: np.ndarray, labels: np.ndarray) -> float:
    """Return mean precision@5 of a dense similarity matrix (the diagonal excluded)."""
    np.fill_diagonal(scores, -np.inf)
    top = np.argpartition(-scores, 5, axis=1)[:, :5]
    return float((labels[top] == labels[:, None]).mean())


# Names of the cached arrays reused in this run (the encoding speed is printed only without them).
CACHE_HITS: list[str] = []


def _cached(cache: Path | None, name: str, keys: list[str], compute) -> np.ndarray:
    """Return `compute()`, kept in `cache` under a digest of `keys` so later runs skip the encoding.

    Encoding is most of the benchmark's time; a cached array is reused only while every key
    (the model, its settings and each text) is unchanged.
    """
    if cache is None:
        return compute()
    digest = hashlib.blake2b(f"{semantic.MODEL_NAME}|{semantic.WINDOW_TOKENS}|".encode())
    for key in keys:
        digest.update(key.encode("utf-8", "replace") + b"\0")
    path = cache / f"{name}-{digest.hexdigest()[:24]}.npy"
    if path.exists():
        CACHE_HITS.append(path.name)
        return np.load(path)
    out = compute()
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def encode_cached(texts: list[str], *, max_windows: int, cache: Path | None) -> np.ndarray:
    """Return the encoder's vectors of `texts` (`Encoder.encode`), cached by the texts."""
    keys = [f"{semantic.MAX_WINDOWS}|{max_windows}", *texts]
    return _cached(
        cache, "texts", keys, lambda: semantic.encoder().encode(texts, max_windows=max_windows)
    )


@dataclass
class Readings:
    """What the encoder reads of each story: the whole text and its leads (by length in words)."""

    full: np.ndarray
    leads: dict[int, np.ndarray]
    empty: np.ndarray

    def embeddings(self, words: tuple[int, ...], shares: tuple[float, ...]) -> np.ndarray:
        """Return the stories' embeddings with these lead lengths and shares (`embedding_mix`)."""
        mixed = semantic.embedding_mix(
            self.full, [self.leads[n] for n in words], shares=shares
        ).astype(np.float32)
        mixed[self.empty] = 0.0
        return mixed


def stories_read(
    stories: list[engine.Story], *, words: Iterable[int], cache: Path | None
) -> Readings:
    """Encode each story's whole text and its leads of the given lengths, as the engine reads them."""
    fulls = [semantic.story_texts(story)[0] for story in stories]
    full = encode_cached(fulls, max_windows=semantic.MAX_WINDOWS, cache=cache)
    leads = {
        n: encode_cached([" ".join(f.split()[:n]) for f in fulls], max_windows=1, cache=cache)
        for n in sorted(set(words))
    }
    return Readings(full=full, leads=leads, empty=np.array([not f.strip() for f in fulls]))


def lexical_matrix(docs: list[tuple[str, str, str]]) -> np.ndarray:
    """Return the lexical engine's dense similarity matrix for the documents (no dates)."""
    from scipy import sparse

    profiles = [engine.story_profile(engine.Story(headline=t, body=b)) for t, b, _ in docs]
    df: Counter = Counter()
    for profile in profiles:
        df.update(profile.counts.keys())
    vectors = [engine.profile_vector(p, df=df, documents=len(docs)) for p in profiles]
    vocabulary: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, vector in enumerate(vectors):
        for feature, weight in vector.items():
            rows.append(i)
            cols.append(vocabulary.setdefault(feature, len(vocabulary)))
            vals.append(weight)
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocabulary)))
    return (matrix @ matrix.T).toarray()


def blended_matrix(lexical: np.ndarray, embeddings: np.ndarray, *, power: float) -> np.ndarray:
    """Return the semantic engine's similarity matrix: `engine.blend` of both cosines.

    As in the rebuild, only stories sharing a feature are candidates; the blend re-ranks them.
    """
    blended = engine.blend(lexical, embeddings @ embeddings.T, power=power)
    return np.where(lexical > 0, blended, 0.0)


# The cross-validation grid. Lead lengths are the engine's (`semantic.LEADS`: about a headline, and
# about a first paragraph); the grid varies each lead's share in steps of 1/8, the whole text keeping
# at least a quarter, and the power on the embedding cosine. The blend weight stays the engine's:
# these pairs are text only, so they cannot weigh the names, tags and sections of a newsroom's
# archive against meaning.
SHARE_STEP = 0.125
MIN_FULL_SHARE = 0.25
POWERS = (1.0, 1.25, 1.5)
# The engine before this grid (whole text 0.75, first 20 words 0.25, power 1.25): its Reuters
# precision@5, measured in the same run, is the bar a grid point must reach to be chosen.
PREVIOUS = ((20,), (0.25,), 1.25)


def grid_points() -> list[tuple[tuple[float, ...], float]]:
    """Return the grid: (share of each of the engine's leads, power) points."""
    steps = round(1 / SHARE_STEP)
    points = []
    for counts in itertools.product(range(steps + 1), repeat=len(semantic.LEADS)):
        shares = tuple(count * SHARE_STEP for count in counts)
        if 1.0 - sum(shares) >= MIN_FULL_SHARE - 1e-9:
            points.extend((shares, power) for power in POWERS)
    return points


def engine_point() -> tuple[tuple[float, ...], float]:
    """Return the engine's own grid point."""
    return tuple(share for _, share in semantic.LEADS), engine.SEMANTIC_POWER


def pair_cosines(embeddings: np.ndarray) -> np.ndarray:
    """Return the cosine of each pair of consecutive rows (text1, text2)."""
    return np.einsum("ij,ij->i", embeddings[0::2], embeddings[1::2])


@dataclass
class CrossValidation:
    """Held-out Pearson of choosing a grid point on each training split, and the points chosen."""

    pooled: float
    calibrated: float
    per_fold: float
    picks: Counter


def cross_validate(
    grid: dict[tuple, np.ndarray], human: np.ndarray, *, folds: int, repeats: int
) -> CrossValidation:
    """Return held-out Pearson of grid selection (repeated k-fold) and the points picked.

    Each training split picks the grid point with the best Pearson; its held-out split is scored
    with that point, so nothing fitted ever sees the pairs it is judged on. Three summaries, each a
    mean over repeats (or folds): `pooled`, Pearson over all held-out scores of one repeat as they
    are; `calibrated`, the same after mapping each fold's scores to the human scale by a straight
    line fitted on its training split (two more numbers fitted inside the fold), since pooling
    scores of different grid points mixes their scales; `per_fold`, Pearson within each held-out
    split.
    """
    pooled, calibrated, per_fold, picks = [], [], [], Counter()
    for repeat in range(repeats):
        order = np.random.default_rng(repeat).permutation(len(human))
        held_out = np.zeros(len(human))
        held_out_calibrated = np.zeros(len(human))
        for fold in range(folds):
            test = order[fold::folds]
            train = np.setdiff1d(order, test)
            best = max(grid, key=lambda point: pearson(grid[point][train], human[train]))
            picks[best] += 1
            held_out[test] = grid[best][test]
            slope, intercept = np.polyfit(grid[best][train], human[train], 1)
            held_out_calibrated[test] = slope * grid[best][test] + intercept
            per_fold.append(pearson(grid[best][test], human[test]))
        pooled.append(pearson(held_out, human))
        calibrated.append(pearson(held_out_calibrated, human))
    return CrossValidation(
        pooled=float(np.mean(pooled)),
        calibrated=float(np.mean(calibrated)),
        per_fold=float(np.mean(per_fold)),
        picks=picks,
    )


def minimum_report(
    label: str, scores: np.ndarray, related: np.ndarray, unrelated: np.ndarray, minimum: float
) -> None:
    """Print how one kind of score separates related from unrelated pairs, and what a minimum keeps.

    The data behind DATELINE_RELATED_MIN_SCORE(_SEMANTIC): a minimum should drop most pairs people
    judge unrelated while keeping the related ones.
    """
    quantiles = np.quantile(scores[unrelated], [0.5, 0.9])
    print(
        f"    {label}: unrelated median {quantiles[0]:.3f}, 90th percentile {quantiles[1]:.3f}; "
        f"related lowest {scores[related].min():.3f}, 10th percentile "
        f"{np.quantile(scores[related], 0.1):.3f}"
    )
    print(
        f"      minimum {minimum:g} keeps {np.mean(scores[related] >= minimum):.0%} of related "
        f"and {np.mean(scores[unrelated] >= minimum):.0%} of unrelated pairs"
    )


def lists_at_minimum(
    scores: np.ndarray, labels: np.ndarray, minimum: float, *, limit: int = 5
) -> tuple[float, float, float]:
    """Return, for lists of `limit` cut at `minimum`: share of empty lists, mean length, precision.

    Precision is the share of the stories shown that carry the story's own topic.
    """
    np.fill_diagonal(scores, -np.inf)
    top = np.argpartition(-scores, limit, axis=1)[:, :limit]
    shown = np.take_along_axis(scores, top, axis=1) >= minimum
    same = labels[top] == labels[:, None]
    lengths = shown.sum(axis=1)
    precision = float(same[shown].mean()) if shown.any() else 0.0
    return float(np.mean(lengths == 0)), float(lengths.mean()), precision


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters-limit", type=int, default=4000, help="documents (0 = all)")
    parser.add_argument("--folds", type=int, default=10, help="cross-validation folds")
    parser.add_argument("--repeats", type=int, default=10, help="cross-validation repeats")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="folder to keep embeddings in between runs (e.g. /tmp/related-quality); "
        "the timed engine scoring of the SemEval pairs is never cached",
    )
    args = parser.parse_args()
    data = shared_data_dir()
    mode = related_mode()
    semantic_mode = mode == engine.SEMANTIC
    described = f"{mode} mode ({semantic.MODEL_NAME})" if semantic_mode else f"{mode} mode"
    print(f"engine mode: {described} (load average {os.getloadavg()[0]:.2f})")
    if semantic_mode:
        print(
            f"  embedding: whole text {semantic.FULL_SHARE:g}, "
            + ", ".join(f"first {n} words {share:g}" for n, share in semantic.LEADS)
            + f"; blend weight {engine.SEMANTIC_WEIGHT:g}, power {engine.SEMANTIC_POWER:g}"
        )

    pairs = semeval_pairs(data / "semeval2022-task8" / "train_texts_excerpts.csv")
    human = np.array([-float(row["Overall"]) for row in pairs])
    texts = [(row["text1"], row["text2"]) for row in pairs]
    if semantic_mode:
        semantic.encoder()  # load the model outside the timing
    started = time.perf_counter()
    ours = np.asarray(engine.texts_score(texts, mode=mode, embed=semantic.stories_embed))
    ours_seconds = time.perf_counter() - started
    baseline = np.asarray(tfidf_pair_scores(texts))
    lexical = np.asarray(engine.texts_score(texts, mode=engine.LEXICAL))
    print(
        f"\nSemEval-2022 Task 8, English-English pairs: {len(pairs)} "
        f"(load average {os.getloadavg()[0]:.2f})"
    )
    print(
        f"  Pearson, engine ({mode}): {pearson(ours, human):.3f}  ({ours_seconds:.1f} s, "
        f"{2 * len(texts) / ours_seconds:.1f} texts/s)"
    )
    if semantic_mode:
        print(f"  Pearson, engine (lexical): {pearson(lexical, human):.3f}")
    print(f"  Pearson, TF-IDF cosine baseline: {pearson(baseline, human):.3f}")
    print("  target: 0.87 (shared-task winner on English pairs: 0.872)")
    overall = -human
    related, unrelated = overall <= 2.5, overall >= 3.5
    print(
        f"  minimum score: pairs judged related (Overall <= 2.5, {related.sum()}) and unrelated "
        f"(Overall >= 3.5, {unrelated.sum()})"
    )
    if semantic_mode:
        minimum_report(
            "semantic (blend)",
            ours,
            related,
            unrelated,
            settings.DATELINE_RELATED_MIN_SCORE_SEMANTIC,
        )
    minimum_report("lexical", lexical, related, unrelated, settings.DATELINE_RELATED_MIN_SCORE)

    docs = reuters_docs(data / "reuters-21578")
    if args.reuters_limit:
        docs = docs[: args.reuters_limit]
    labels = np.array([topic for _, _, topic in docs])
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer().fit_transform([f"{t}\n{b}" for t, b, _ in docs])
    p_base = precision_at_5((tfidf @ tfidf.T).toarray(), labels)
    print(
        f"\nReuters-21578, single-topic documents: {len(docs)} "
        f"(load average {os.getloadavg()[0]:.2f})"
    )
    matrices = {engine.LEXICAL: lexical_matrix(docs)}
    p_lexical = precision_at_5(matrices[engine.LEXICAL].copy(), labels)
    if semantic_mode:
        lead_words = tuple(n for n, _ in semantic.LEADS)
        stories = [engine.Story(headline=t, body=b) for t, b, _ in docs]
        started = time.perf_counter()
        hits = len(CACHE_HITS)
        reuters = stories_read(stories, words=lead_words + PREVIOUS[0], cache=args.cache)
        seconds = time.perf_counter() - started
        from_cache = len(CACHE_HITS) > hits
        # The readings recompute the engine's embedding; on a sample it must agree.
        sample = semantic.stories_embed(stories[:100])
        assert np.allclose(
            reuters.embeddings(lead_words, engine_point()[0])[:100], sample, atol=1e-4
        ), "benchmark readings and engine embeddings disagree"
        engine_embeddings = reuters.embeddings(lead_words, engine_point()[0])
        matrices[engine.SEMANTIC] = blended_matrix(
            matrices[engine.LEXICAL], engine_embeddings, power=engine.SEMANTIC_POWER
        )
        p_ours = precision_at_5(matrices[engine.SEMANTIC].copy(), labels)
        speed = (
            "embeddings from --cache"
            if from_cache
            else f"{len(docs) / seconds:.1f} stories/s, whole text and three leads"
        )
        print(f"  precision@5, engine (semantic): {p_ours:.3f}  (encoding: {speed})")
    else:
        p_ours = p_lexical
    print(f"  precision@5, engine (lexical): {p_lexical:.3f}")
    print(f"  precision@5, TF-IDF cosine baseline: {p_base:.3f}")
    print(f"  ratio engine/baseline: {p_ours / p_base:.3f}")
    print("  lists of 5 cut at the minimum score (no dates here, so no time factor):")
    minimums = {
        engine.LEXICAL: settings.DATELINE_RELATED_MIN_SCORE,
        engine.SEMANTIC: settings.DATELINE_RELATED_MIN_SCORE_SEMANTIC,
    }
    for name, scores in matrices.items():
        for minimum in sorted({minimums[engine.LEXICAL], minimums[name]}):
            empty, length, precision = lists_at_minimum(scores.copy(), labels, minimum)
            print(
                f"    {name}, minimum {minimum:g}: empty lists {empty:.1%}, mean length "
                f"{length:.2f}, same topic among those shown {precision:.3f}"
            )
    if not semantic_mode:
        return 0

    # Cross-validation of the semantic parameters: SemEval scores and Reuters precision per point.
    semeval = stories_read(
        [engine.Story(body=text) for pair in texts for text in pair],
        words=lead_words,
        cache=args.cache,
    )
    grid, reuters_p5 = {}, {}
    for shares, power in grid_points():
        cos = pair_cosines(semeval.embeddings(lead_words, shares))
        grid[(shares, power)] = engine.blend(lexical, cos, power=power)
        matrix = blended_matrix(
            matrices[engine.LEXICAL], reuters.embeddings(lead_words, shares), power=power
        )
        reuters_p5[(shares, power)] = precision_at_5(matrix, labels)
    chosen = engine_point()
    # The grid recomputes the engine's formula; at the engine's own point it must agree.
    assert np.allclose(grid[chosen], ours, atol=1e-4), "grid and engine disagree"
    previous_words, previous_shares, previous_power = PREVIOUS
    bar = precision_at_5(
        blended_matrix(
            matrices[engine.LEXICAL],
            reuters.embeddings(previous_words, previous_shares),
            power=previous_power,
        ),
        labels,
    )
    eligible = {point: scores for point, scores in grid.items() if reuters_p5[point] >= bar}
    cv = cross_validate(eligible, human, folds=args.folds, repeats=args.repeats)
    unconstrained = cross_validate(grid, human, folds=args.folds, repeats=args.repeats)
    base = cross_validate({"tfidf": baseline}, human, folds=args.folds, repeats=args.repeats)
    print(
        f"\nCross-validation on SemEval ({args.repeats} x {args.folds}-fold; each training split "
        f"chooses the best point; load average {os.getloadavg()[0]:.2f})"
    )
    print(
        f"  grid: {len(grid)} points (shares of the first {lead_words} words in steps of "
        f"{SHARE_STEP:g}, whole text at least {MIN_FULL_SHARE:g}; power {POWERS}); "
        f"{len(eligible)} keep Reuters precision@5 >= {bar:.4f} (the previous engine's: "
        f"first {previous_words[0]} words {previous_shares[0]:g}, power {previous_power:g})"
    )
    print(
        f"  held-out Pearson, pooled: {cv.pooled:.3f}   pooled, calibrated on each training "
        f"split: {cv.calibrated:.3f}   mean per fold: {cv.per_fold:.3f}"
    )
    print(
        f"  without the Reuters bar ({len(grid)} points): pooled {unconstrained.pooled:.3f}   "
        f"calibrated {unconstrained.calibrated:.3f}   mean per fold {unconstrained.per_fold:.3f}"
    )
    print(
        f"  TF-IDF baseline, same folds: pooled {base.pooled:.3f}   calibrated "
        f"{base.calibrated:.3f}   mean per fold {base.per_fold:.3f}"
    )
    print(
        "  picks (lead shares, power): "
        + ", ".join(f"{point} x{count}" for point, count in cv.picks.most_common(3))
    )
    best = max(eligible, key=lambda point: pearson(grid[point], human))
    print(
        f"  engine's point {chosen}: all pairs {pearson(grid[chosen], human):.3f}, Reuters "
        f"precision@5 {reuters_p5[chosen]:.4f}; best eligible on all pairs {best}: "
        f"{pearson(grid[best], human):.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
