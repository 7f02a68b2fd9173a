"""The related-news scoring engine: features, weights and the similarity every ranking uses.

Pure Python and numpy, no Django (markup is read through `newsroom.text`, which needs none either):
the rebuild, the publish path, the admin's reasons and `dateline related score` all call the
functions here, so they cannot drift apart.

A story becomes a sparse vector of weighted features:
- text terms (headline counted three times, standfirst twice, body once), lower-cased, stop words
  dropped, lightly stemmed;
- names: runs of capitalised words (people, places, organisations), a light, dependency-free
  stand-in for named-entity recognition;
- its tags and sections.
Weights are sublinear term frequency times inverse document frequency times a per-kind weight;
only the strongest text terms and names are kept, so vectors stay small at archive scale. The
similarity is the cosine of two such vectors, times a time factor that favours stories of the same
period.

In semantic mode (see `semantic.py`) each story also has a sentence embedding, and the similarity
blends the two: `blend()` below is the one formula the ranking, `dateline related score` and the
quality benchmark all use.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, overload

import numpy as np

from dateline.newsroom.text import html_to_text

LEXICAL, SEMANTIC = "lexical", "semantic"
# What these functions compute without an embedding. The mode the engine runs in is chosen by
# DATELINE_RELATED_MODE: `config.related_mode()`.
MODE = LEXICAL
# The blend of semantic mode, chosen by cross-validation on the SemEval-2022 Task 8 English pairs
# (bench/related_quality.py): the embedding's cosine, raised to a power above 1 so that loosely
# related stories (cosine 0.3-0.5, common between any two news stories) count for less than close
# ones, carries most of the score; the lexical cosine keeps names, tags and sections in play.
SEMANTIC_WEIGHT = 0.9
SEMANTIC_POWER = 1.25

# Feature prefixes: a name, a tag, a section; plain text terms carry none.
NAME, TAG, SECTION = "@", "#", "§"
KIND_WEIGHT = {"term": 1.0, NAME: 1.4, TAG: 1.2, SECTION: 0.6}
MAX_TERMS = 60
MAX_NAMES = 20
# Longer "words" are noise (URLs, runs of letters) and would not fit the index's term column.
MAX_FEATURE_LENGTH = 80
MAX_BODY_CHARS = 6000
# A pair closer than this in text is the same story (republished wire copy, a duplicate).
DUPLICATE_TEXT_SIMILARITY = 0.92
DUPLICATE_SIMHASH_BITS = 5


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own said same says she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself
    yourselves one two three new mr mrs ms told say year years week day days time like get got
    also may might must shall us per via amid among around across already still even many much
    well yet
    """
)
# Capitalised words that start many sentences or titles without naming anyone.
NAME_STOP = _words(
    """
    The A An This That These Those It Its He She They We I In On At For From By With As But And
    Or If When While After Before During Since Under Over Mr Mrs Ms Dr Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday January February March April May June July August September
    October November December Today Yesterday Tomorrow There Here What Why How Who Where Which
    Our Their His Her Your My Not No Yes Also However Meanwhile According Read More
    """
)

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_NAME_RUN = re.compile(
    r"((?:[A-Z][\w'’.-]*[a-zA-Z0-9])(?:\s+(?:(?:of|de|du|van|von|al|bin|la)\s+)?"
    r"[A-Z][\w'’.-]*[a-zA-Z0-9])*)"
)
_SENTENCE_ENDS = frozenset('.!?:;"“”\n')


def text_clean(text: str) -> str:
    """Return `text` without markup and with whitespace collapsed (hostile HTML becomes plain words).

    Every tag becomes a space, so markup never glues two words together (`newsroom.text`).
    """
    return html_to_text(text, tags_as_spaces=True)


@functools.lru_cache(maxsize=200_000)
def term_stem(word: str) -> str:
    """Return a light stem of `word` so "sanctions" and "sanction" count as one term."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement, minimum in (
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ed", "", 5),
        ("es", "e", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= minimum:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)] + replacement
    return word


def text_terms(text: str) -> list[str]:
    """Return the stemmed content words of `text`, in order."""
    terms = map(_term, _TOKEN.findall(text.lower()))
    return [term for term in terms if term]


@functools.lru_cache(maxsize=500_000)
def _term(word: str) -> str:
    if word in STOP_WORDS or len(word) < 2 or (word.isdigit() and not _is_year(word)):
        return ""
    return term_stem(word.replace("’", "'").split("'")[0])


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")


def _starts_sentence(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in " \t\r\n" and text[index] != "\n":
        index -= 1
    return index < 0 or text[index] in _SENTENCE_ENDS


def text_names(text: str) -> list[str]:
    """Return the names in `text`: runs of capitalised words, lower-cased, possessives removed.

    A single capitalised word opening a sentence is skipped unless it recurs inside a sentence, so
    "Officials said" does not become a name while "Beijing" does.
    """
    found: list[str] = []
    inside: set[str] = set()
    openers: list[str] = []
    for match in _NAME_RUN.finditer(text):
        read = _span_name(match.group(1))
        if read is None:
            continue
        name, single = read
        if single and _starts_sentence(text, match.start(1)):
            openers.append(name)
            continue
        inside.add(name)
        found.append(name)
    found.extend(name for name in openers if name in inside)
    return found


@functools.lru_cache(maxsize=500_000)
def _span_name(span: str) -> tuple[str, bool] | None:
    """Read a run of capitalised words as a name: (name, whether it is one word as written) or None.

    Cached: the same runs recur across an archive, and names are most of the cost of profiling.
    """
    words = span.split()
    first = words[0] if words else ""
    while words and words[0] in NAME_STOP:
        words.pop(0)
    if not words:
        return None
    name = " ".join(words).replace("’", "'")
    if name.endswith("'s"):
        name = name[:-2]
    name = name.strip(".'-").lower()
    if len(name) < 2 or name in STOP_WORDS:
        return None
    return name, len(words) == 1 and first == words[0]


@dataclass
class Story:
    """What the engine reads of one story."""

    headline: str = ""
    standfirst: str = ""
    body: str = ""
    tags: Iterable[str] = ()
    sections: Iterable[str | int] = ()


@dataclass
class Profile:
    """A story's features before weighting: counts per feature, and a fingerprint of its text."""

    counts: Counter = field(default_factory=Counter)
    simhash: int = 0


def story_profile(story: Story) -> Profile:
    """Count a story's features (terms, names, tags, sections) and fingerprint its text."""
    headline = text_clean(story.headline)
    standfirst = text_clean(story.standfirst)
    # The top of a story says what it is about; long tails (transcripts, full texts of orders) add
    # cost more than meaning.
    body = text_clean(story.body[: MAX_BODY_CHARS * 2])[:MAX_BODY_CHARS]
    counts: Counter = Counter()
    words: list[str] = []
    for text, times in ((headline, 3), (standfirst, 2), (body, 1)):
        if not text:
            continue
        terms = text_terms(text)
        words.extend(terms)
        for term in terms:
            if len(term) <= MAX_FEATURE_LENGTH:
                counts[term] += times
        for name in text_names(text):
            if len(name) < MAX_FEATURE_LENGTH:
                counts[NAME + name] += times
    for tag in story.tags:
        tag = str(tag).strip().lower()[: MAX_FEATURE_LENGTH - 1]
        if tag:
            counts[TAG + tag] = 1
    for section in story.sections:
        counts[SECTION + str(section)] = 1
    return Profile(counts=counts, simhash=simhash(words))


def _kind(feature: str) -> str:
    return feature[0] if feature[:1] in (NAME, TAG, SECTION) else "term"


def idf(*, df: int, documents: int) -> float:
    """Return the inverse document frequency of a feature found in `df` of `documents` stories."""
    return math.log((documents + 1) / (df + 1)) + 1.0


def profile_vector(profile: Profile, *, df: Mapping[str, int], documents: int) -> dict[str, float]:
    """Weight a profile's features and keep the strongest; return the L2-normalised sparse vector.

    `df` gives each feature's document frequency in the archive (missing means unseen).
    """
    weighted: dict[str, float] = {}
    terms: list[str] = []
    names: list[str] = []
    keep: set[str] = set()
    log_documents = math.log(documents + 1)
    for feature, count in profile.counts.items():
        kind = _kind(feature)
        weight = (1.0 + math.log(count)) * (log_documents - math.log(df.get(feature, 0) + 1) + 1)
        weighted[feature] = weight * KIND_WEIGHT[kind]
        if kind == "term":
            terms.append(feature)
        elif kind == NAME:
            names.append(feature)
        else:
            keep.add(feature)
    if len(terms) > MAX_TERMS:
        terms = sorted(terms, key=lambda f: (-weighted[f], f))[:MAX_TERMS]
    if len(names) > MAX_NAMES:
        names = sorted(names, key=lambda f: (-weighted[f], f))[:MAX_NAMES]
    keep.update(terms)
    keep.update(names)
    norm = math.sqrt(sum(weighted[f] ** 2 for f in keep))
    if norm == 0:
        return {}
    ordered = sorted(keep, key=lambda f: (-weighted[f], f))
    return {f: round(weighted[f] / norm, 6) for f in ordered}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Return the dot product of two normalised sparse vectors (their cosine similarity)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b[f] for f, weight in a.items() if f in b)


@overload
def time_factor(*, days_apart: float, window_days: int) -> float: ...


@overload
def time_factor(*, days_apart: np.ndarray, window_days: int) -> np.ndarray: ...


def time_factor(*, days_apart: float | np.ndarray, window_days: int) -> float | np.ndarray:
    """Return how much the gap between two stories keeps of their similarity (0 outside the window).

    1 on the same day, falling linearly to 0.5 at the edge of the window, so a story relates first
    to coverage of its own period. Works on a float (one pair: `score`, the publish path) and on a
    numpy array of gaps (the rebuild's matrices) with the same arithmetic, element by element and in
    the array's own precision, so a rebuild's scores are the ones `score` gives.
    """
    if isinstance(days_apart, np.ndarray):
        gaps = np.abs(days_apart)
        if window_days <= 0:
            return np.ones_like(gaps)
        return np.where(gaps > window_days, 0.0, _decay(gaps, window_days))
    days = abs(days_apart)
    if window_days <= 0:
        return 1.0
    if days > window_days:
        return 0.0
    return _decay(days, window_days)


_Gap = TypeVar("_Gap", float, np.ndarray)


def _decay(days: _Gap, window_days: int) -> _Gap:
    # Python floats and float64 arrays give the same IEEE results operation by operation; a float32
    # array stays float32 (the rebuild's dense candidate search ranks in float32).
    return 1.0 - 0.5 * days / window_days


def blend(
    lexical: float | np.ndarray,
    semantic: float | np.ndarray | None = None,
    *,
    weight: float = SEMANTIC_WEIGHT,
    power: float = SEMANTIC_POWER,
) -> float | np.ndarray:
    """Return the text similarity the engine ranks with, from the lexical and embedding cosines.

    Lexical mode (`semantic` None) is the lexical cosine itself. Semantic mode is
    weight * max(semantic, 0) ** power + (1 - weight) * lexical. Works on floats and numpy arrays
    alike, so the rebuild's matrices and a single pair go through the same formula.
    """
    if semantic is None:
        return lexical
    return weight * np.maximum(semantic, 0.0) ** power + (1.0 - weight) * lexical


def min_score(*, semantic: float | None, lexical_minimum: float, semantic_minimum: float) -> float:
    """Return the weakest score a list may show for a story, by how its score was computed.

    A blended score (`semantic` is the pair's embedding cosine) runs higher than a lexical one,
    because any two news stories share some meaning, so it has its own, higher minimum
    (DATELINE_RELATED_MIN_SCORE_SEMANTIC, chosen from the score distributions of related and
    unrelated pairs: docs/related.md). Deciding per pair keeps lists right while an archive moves
    between modes, when some pairs are still scored lexically.
    """
    return lexical_minimum if semantic is None else semantic_minimum


def score(
    a: Mapping[str, float],
    b: Mapping[str, float],
    *,
    days_apart: float = 0.0,
    window_days: int = 0,
    semantic: float | None = None,
) -> float:
    """Return the engine's relatedness of two stories: blended similarity times the time factor.

    `semantic` is the cosine of the two stories' embeddings (None in lexical mode).
    """
    similarity = float(blend(cosine(a, b), semantic))
    return similarity * time_factor(days_apart=days_apart, window_days=window_days)


def reasons(a: Mapping[str, float], b: Mapping[str, float], *, limit: int = 6) -> dict:
    """Explain a score: the shared names, terms, tags and sections that contributed most."""
    shared = sorted(((f, a[f] * b[f]) for f in a if f in b), key=lambda item: item[1], reverse=True)
    out: dict[str, list[str]] = {"names": [], "terms": [], "tags": [], "sections": []}
    keys = {NAME: "names", TAG: "tags", SECTION: "sections", "term": "terms"}
    for feature, _ in shared:
        kind = _kind(feature)
        bucket = out[keys[kind]]
        if len(bucket) < limit:
            bucket.append(feature if kind == "term" else feature[1:])
    return out


def simhash(words: Iterable[str]) -> int:
    """Return a signed 64-bit SimHash of the words, close for near-identical texts."""
    counts = Counter(words)
    if not counts:
        return 0
    digests = np.fromiter((_word_hash(w) for w in counts), dtype=np.uint64, count=len(counts))
    bits = np.unpackbits(digests.view(np.uint8).reshape(-1, 8)[:, ::-1], axis=1, bitorder="little")
    weights = np.array(list(counts.values()), dtype=np.float64)
    total = (bits * 2.0 - 1.0).T @ weights
    value = 0
    for position, positive in enumerate(total > 0):
        if positive:
            value |= 1 << position
    return value - (1 << 64) if value >= 1 << 63 else value


@functools.lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


def near_duplicates(a: int, b: int) -> bool:
    """Return whether two SimHash fingerprints belong to near-identical texts."""
    if a == 0 or b == 0:
        return False
    return bin((a ^ b) & ((1 << 64) - 1)).count("1") <= DUPLICATE_SIMHASH_BITS


def texts_score(
    pairs: Iterable[tuple[str, str]],
    *,
    mode: str = LEXICAL,
    embed: Callable[[list[Story]], np.ndarray] | None = None,
) -> list[float]:
    """Score text pairs exactly as the engine ranks stories (document statistics from the pairs).

    Each text is read as a story body with no tags, sections or date, so only the text and the
    names in it count; the time factor is 1. In semantic mode `embed` turns stories into their
    L2-normalised embeddings (`semantic.stories_embed`); the engine itself loads no model.
    """
    pairs = list(pairs)
    stories = [(Story(body=a), Story(body=b)) for a, b in pairs]
    profiles = [(story_profile(first), story_profile(second)) for first, second in stories]
    df: Counter = Counter()
    for first, second in profiles:
        df.update(first.counts.keys())
        df.update(second.counts.keys())
    documents = 2 * len(profiles)
    semantic: list[float | None] = [None] * len(pairs)
    if mode == SEMANTIC and pairs:
        if embed is None:
            raise ValueError("Semantic mode needs an embedding function.")
        vectors = embed([story for pair in stories for story in pair])
        semantic = [float(x) for x in np.einsum("ij,ij->i", vectors[0::2], vectors[1::2])]
    out = []
    for (first, second), similarity in zip(profiles, semantic, strict=True):
        va = profile_vector(first, df=df, documents=documents)
        vb = profile_vector(second, df=df, documents=documents)
        out.append(round(score(va, vb, semantic=similarity), 6))
    return out
