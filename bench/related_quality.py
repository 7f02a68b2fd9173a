"""Measure the Related News engine's quality on data nobody here wrote, beside a TF-IDF baseline.

1. SemEval-2022 Task 8, English-English pairs: Pearson correlation between the engine's score
   (`dateline related score`, the exact function the engine ranks with) and the human "Overall"
   similarity (negated: 1 = very similar, 4 = very dissimilar).
2. Reuters-21578, documents with exactly one TOPICS label: precision@5, the share of each story's five
   most related stories that carry the same topic.

Run: .venv/bin/python bench/related_quality.py [--reuters-limit 4000]
Needs the bench extra (scikit-learn) for the baseline: pip install -e '.[bench]'
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")

from dateline.related import engine  # noqa: E402
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


def engine_matrix(docs: list[tuple[str, str, str]]) -> np.ndarray:
    """Return the engine's dense similarity matrix for the documents (text only, no dates)."""
    from collections import Counter

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters-limit", type=int, default=4000, help="documents (0 = all)")
    args = parser.parse_args()
    data = shared_data_dir()
    print(f"engine mode: {engine.MODE}")

    pairs = semeval_pairs(data / "semeval2022-task8" / "train_texts_excerpts.csv")
    human = [-float(row["Overall"]) for row in pairs]
    texts = [(row["text1"], row["text2"]) for row in pairs]
    started = time.perf_counter()
    ours = engine.texts_score(texts)
    ours_seconds = time.perf_counter() - started
    baseline = tfidf_pair_scores(texts)
    print(f"\nSemEval-2022 Task 8, English-English pairs: {len(pairs)}")
    print(f"  Pearson, engine ({engine.MODE}): {pearson(ours, human):.3f}  ({ours_seconds:.2f} s)")
    print(f"  Pearson, TF-IDF cosine baseline: {pearson(baseline, human):.3f}")
    print("  target: 0.87 (shared-task winner on English pairs: 0.872)")

    docs = reuters_docs(data / "reuters-21578")
    if args.reuters_limit:
        docs = docs[: args.reuters_limit]
    labels = np.array([topic for _, _, topic in docs])
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer().fit_transform([f"{t}\n{b}" for t, b, _ in docs])
    p_base = precision_at_5((tfidf @ tfidf.T).toarray(), labels)
    p_ours = precision_at_5(engine_matrix(docs), labels)
    print(f"\nReuters-21578, single-topic documents: {len(docs)}")
    print(f"  precision@5, engine ({engine.MODE}): {p_ours:.3f}")
    print(f"  precision@5, TF-IDF cosine baseline: {p_base:.3f}")
    print(f"  ratio engine/baseline: {p_ours / p_base:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
