"""How often each quality check flags real, published news: White House, BBC and Reuters corpora.

Run:  .venv/bin/python bench/quality_precision.py [--limit N] [--samples K] [--seed S]

Every article of the shared corpora becomes an in-memory article subject (headline, body paragraphs,
publication date and section where the corpus has them) and goes through the same check code as the
editor and `dateline check`. For each check the script prints how many articles it flags per corpus,
the rate, and a sample of flags. Beside the filler-text and headline-repeated checks it prints a naive
baseline measured in the same run (plain substring matching), and the ratio of the two. The targets:
filler-text and headline-repeated under 0.5% of these articles. Reads /work/shared/data (or
DATELINE_SHARED_DATA); nothing is written.

The duplicate-story check also gets a precision and a recall. The corpora carry no labelled
duplicates, so `--planted` stories per corpus (chosen at random) are copied back into it, each with
one of five edits a newsroom's duplicates show: the same story again, retitled (its lede as the
headline), copy-edited (a typo in one word of 40, a number changed, a line added), extended (a
paragraph of another story added) and trimmed (the last fifth of its sentences cut). Recall is the
share of copies the check flags as a copy of their original; precision is the share of all flags
whose named story is the planted partner or shares at least 80% of the shorter story's exact 5-word
shingles with the flagged one (an exact count, no estimate). The per-check table counts the
corpora's own articles only, without the flags the planted copies cause.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")

import django  # noqa: E402

django.setup()

from tqdm import tqdm  # noqa: E402

from dateline.quality.checks.base import registered_checks  # noqa: E402
from dateline.quality.duplicates import index_finder, subject_plain_text  # noqa: E402
from dateline.quality.extract import text_subject  # noqa: E402
from dateline.quality.fingerprint import FingerprintIndex  # noqa: E402
from dateline.quality.runner import checks_run  # noqa: E402
from dateline.quality.subjects import BODY, CheckContext, Subject  # noqa: E402
from dateline.quality.text import sentences, words  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402

TARGETED = {"filler-text": 0.005, "headline-repeated": 0.005}
DUPLICATE = "duplicate-story"


# --- corpora ---------------------------------------------------------------------------------------

_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|\*|`)")


def _markdown_text(markdown: str) -> str:
    """Return Markdown as plain paragraphs: link text kept, emphasis and list marks dropped."""
    text = re.sub(r"<[^>]+>", " ", _MD_LINK.sub(r"\1", markdown))
    text = re.sub(r"\\([\[\]()*_#.\\-])", r"\1", text)  # Markdown escapes such as \[LINK\]
    text = _MD_MARK.sub("", text)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        stripped = re.sub(r"^(#+|[-*+]|\d+\.)\s+", "", stripped)
        lines.append(stripped if stripped not in {"\\", "&nbsp;"} else "")
    return "\n".join(lines)


def _yaml_scalar(value: str) -> str:
    """Undo the quoting of a YAML scalar as the corpus writes it (escapes, folded lines)."""
    value = value.strip()
    if value[:1] in {"'", '"'}:
        value = value[1:-1]
    value = value.replace("\\ ", "").replace("\\_", " ")
    value = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), value)
    return " ".join(value.split())


def whitehouse(root: Path, limit: int | None) -> list[Subject]:
    """Read the White House briefing room: front matter (title, date, tags) and a Markdown body."""
    subjects = []
    for path in sorted(root.rglob("*.md"))[:limit]:
        if path.name.lower() == "readme.md":
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        if not raw.startswith("---"):
            continue
        _, front, body = raw.split("---", 2)
        meta, key = {}, None
        for line in front.splitlines():
            if line.startswith((" ", "\t")) and key:  # a wrapped value continues
                meta[key] += " " + line.strip()
                continue
            key, _, value = line.partition(":")
            key = key.strip()
            meta[key] = value.strip()
        meta = {key: _yaml_scalar(value) for key, value in meta.items()}
        published = meta.get("published_time") or meta.get("date")
        try:
            when = dt.datetime.fromisoformat(published)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        subjects.append(
            text_subject(
                _markdown_text(body),
                title=meta.get("title", ""),
                published_at=when,
                label=f"whitehouse/{path.name}",
            )
        )
    return subjects


def bbc(root: Path, limit: int | None) -> list[Subject]:
    """Read BBC News: the first line is the headline, the folder the section."""
    subjects = []
    for path in sorted(root.glob("*/*.txt"))[:limit]:
        raw = path.read_text(encoding="latin-1")
        title, _, body = raw.strip().partition("\n")
        subject = text_subject(
            body, title=title.strip(), sections=[path.parent.name.capitalize()],
            label=f"bbc/{path.parent.name}/{path.name}",
        )  # fmt: skip
        subjects.append(subject)
    return subjects


_REUTERS = re.compile(r"<REUTERS(.*?)</REUTERS>", re.S)


def _tag(block: str, name: str) -> str:
    match = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
    return html.unescape(match.group(1)) if match else ""


def reuters(root: Path, limit: int | None) -> list[Subject]:
    """Read Reuters-21578: title, body, date, and a single non-US PLACES label as the section."""
    subjects = []
    for path in sorted(root.glob("*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for block in _REUTERS.findall(raw):
            body = _tag(block, "BODY")
            if not body.strip():
                continue
            body = re.sub(r"\s*Reuter\s*\x03?\s*$", "", body.replace("\x03", ""))
            # Reuters wraps lines at ~70 characters and starts paragraphs with an indent.
            paragraphs = re.split(r"\n\s{3,}", body)
            text = "\n\n".join(" ".join(p.split()) for p in paragraphs)
            try:
                when = dt.datetime.strptime(_tag(block, "DATE").strip()[:20], "%d-%b-%Y %H:%M:%S")
                when = when.replace(tzinfo=dt.UTC)
            except ValueError:
                when = None
            # "usa" is the wire's home desk (national news), like a "National" section: not used.
            places = [p for p in re.findall(r"<D>(.*?)</D>", _tag(block, "PLACES")) if p != "usa"]
            section = [f"{places[0].replace('-', ' ').title()} News"] if len(places) == 1 else []
            newid = re.search(r'NEWID="(\d+)"', block)
            subjects.append(
                text_subject(
                    text,
                    title=" ".join(_tag(block, "TITLE").split()).title(),
                    published_at=when,
                    sections=section,
                    label=f"reuters/{path.name}#{newid.group(1) if newid else '?'}",
                )
            )
            if limit and len(subjects) >= limit:
                return subjects
    return subjects


# --- naive baselines -------------------------------------------------------------------------------

NAIVE_FILLER = re.compile(r"lorem|ipsum|filler|placeholder|dummy|tk|xxx|insert", re.I)


def naive_filler(subject: Subject) -> bool:
    """Flag any article containing a filler-ish substring anywhere (case-insensitive)."""
    return any(NAIVE_FILLER.search(part.text) for part in subject.parts)


def naive_headline(subject: Subject) -> bool:
    """Flag any article whose headline's words appear anywhere in its first paragraph."""
    body = subject.texts("body")
    return bool(body and subject.title and subject.title.lower()[:30] in body[0].text.lower())


# --- duplicate-story: planted copies and an exact referee -----------------------------------------

EDITS = ("same", "retitled", "edited", "extended", "trimmed")
# A copy must share at least this much of the shorter story's exact 5-word shingles to count as one.
REFEREE_SHARE = 0.8


def _body(subject: Subject) -> list[str]:
    return [part.text for part in subject.texts(BODY)]


def _copy_edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Return the paragraphs copy-edited: a typo in one word of 40, a number changed, a line added."""
    edited, number_changed = [], False
    for paragraph in paragraphs:
        tokens = paragraph.split(" ")
        for index, token in enumerate(tokens):
            if not number_changed and token.isdigit():
                tokens[index], number_changed = str(int(token) + 1), True
            elif len(token) > 4 and token.isalpha() and rng.random() < 1 / 40:
                tokens[index] = token[:-1]
        edited.append(" ".join(tokens))
    edited[-1] += " This story has been updated."
    return edited


def planted_copies(
    subjects: list[Subject], count: int, rng: random.Random
) -> list[tuple[Subject, Subject, str]]:
    """Return (copy, original, edit) for `count` stories of a corpus, copied with one edit each."""
    eligible = [s for s in subjects if len(words(" ".join(_body(s)))) >= 60]
    out = []
    for number, original in enumerate(rng.sample(eligible, min(count, len(eligible)))):
        edit = EDITS[number % len(EDITS)]
        paragraphs, title = _body(original), original.title
        if edit == "retitled":
            title = " ".join(sentences(paragraphs[0])[0].split()[:12])
        elif edit == "edited":
            paragraphs = _copy_edit(paragraphs, rng)
        elif edit == "extended":
            donor = rng.choice([s for s in eligible if s is not original])
            paragraphs = [*paragraphs, _body(donor)[0]]
        elif edit == "trimmed":
            kept = sentences("\n\n".join(paragraphs))
            kept = kept[: max(1, min(len(kept) - 1, round(len(kept) * 0.8)))]
            paragraphs = [" ".join(kept[i : i + 3]) for i in range(0, len(kept), 3)]
        published = original.published_at
        copy = text_subject(
            "\n\n".join(paragraphs),
            title=title,
            published_at=published + dt.timedelta(days=1) if published else None,
            sections=list(original.sections),
            label=f"{original.label} (planted copy: {edit})",
        )
        out.append((copy, original, edit))
    return out


def shingle_set(subject: Subject) -> set[tuple[str, ...]]:
    """Return the exact 5-word shingles of a story's standfirst and body (the whole text if shorter)."""
    tokens = words(" ".join([subject.standfirst or "", *_body(subject)]))
    if len(tokens) < 5:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + 5]) for i in range(len(tokens) - 4)}


def referee_share(a: Subject, b: Subject) -> float:
    """Return the share of the shorter story's exact 5-word shingles found in the other."""
    left, right = shingle_set(a), shingle_set(b)
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def matched_key(message: str, keys_by_url: dict[str, int]) -> int | None:
    """Return the key of the story a duplicate-story message names (its link ends the message)."""
    token = message.rsplit(" ", 1)[-1]
    return keys_by_url.get(token)


# --- run -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N articles per corpus")
    parser.add_argument("--samples", type=int, default=5, help="flags shown per check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--planted", type=int, default=200, help="copies planted per corpus (duplicate-story)"
    )
    args = parser.parse_args()

    data = shared_data_dir()
    corpora = {
        "whitehouse": (whitehouse, data / "whitehouse-briefing-room"),
        "bbc": (bbc, data / "bbc-news-2225"),
        "reuters": (reuters, data / "reuters-21578"),
    }
    now = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    flagged: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list] = defaultdict(list)
    totals: Counter = Counter()
    naive: dict[str, Counter] = defaultdict(Counter)
    check_seconds = baseline_seconds = 0.0
    rng = random.Random(args.seed)
    plant_rng = random.Random(args.seed + 1)
    by_key: dict[int, Subject] = {}
    partner: dict[int, int] = {}  # planted copy -> original, and original -> copy
    edit_of: dict[int, str] = {}  # planted copy -> its edit
    matches: dict[int, int | None] = {}  # flagged story -> the story its finding names
    for corpus, (reader, path) in corpora.items():
        if not path.exists():
            print(f"skip {corpus}: {path} is missing")
            continue
        subjects = reader(path, args.limit)
        planted = planted_copies(subjects, args.planted, plant_rng)
        own = len(subjects)
        subjects.extend(copy for copy, _, _ in planted)
        for subject in subjects:
            subject.kind = "article"
            subject.page_id = len(by_key)
            by_key[subject.page_id] = subject
        for copy, original, edit in planted:
            partner[copy.page_id], partner[original.page_id] = original.page_id, copy.page_id
            edit_of[copy.page_id] = edit
        index, labels, urls = FingerprintIndex(), {}, {}
        for subject in subjects:
            index.add(subject.page_id, subject_plain_text(subject))
            labels[subject.page_id] = f"{subject.label}: {subject.title[:60]}"
            urls[subject.page_id] = f"#{subject.page_id}"
        keys_by_url = {url: key for key, url in urls.items()}
        context = CheckContext(now=now, similar_stories=index_finder(index, labels, urls))
        totals[corpus] = own
        for subject in tqdm(subjects, desc=corpus, file=sys.stderr):
            started = time.perf_counter()
            subject_plain_text(subject).split()  # baseline: just reading the text
            baseline_seconds += time.perf_counter() - started
            started = time.perf_counter()
            findings = checks_run(subject=subject, context=context)
            check_seconds += time.perf_counter() - started
            duplicate = next((f for f in findings if f.code == DUPLICATE), None)
            if duplicate is not None:
                matches[subject.page_id] = matched_key(duplicate.message, keys_by_url)
            if subject.page_id in edit_of:
                continue  # planted copies are measured below, not counted in the table
            naive["filler-text"][corpus] += naive_filler(subject)
            naive["headline-repeated"][corpus] += naive_headline(subject)
            for code in {finding.code for finding in findings}:
                if code == DUPLICATE and matches[subject.page_id] in edit_of:
                    continue  # flagged only because of the copy planted from it
                flagged[code][corpus] += 1
                first = next(f for f in findings if f.code == code)
                samples[code].append(first)

    total = sum(totals.values())
    print(f"\nArticles: {total} ({', '.join(f'{k} {v}' for k, v in totals.items())})")
    print(f"Time: checks {check_seconds:.1f} s vs reading the text {baseline_seconds:.2f} s "
          f"(ratio {check_seconds / max(baseline_seconds, 1e-9):.0f}x)\n")  # fmt: skip
    header = f"{'check':32} {'flagged':>8} {'rate':>7}  " + "  ".join(f"{c:>10}" for c in totals)
    print(header)
    print("-" * len(header))
    failures = []
    for check in registered_checks(predicate=lambda c: "article" in c.kinds):
        count = sum(flagged[check.code].values())
        rate = count / total if total else 0.0
        per = "  ".join(f"{flagged[check.code][c]:>10}" for c in totals)
        target = TARGETED.get(check.code)
        mark = ""
        if target is not None:
            mark = "  target <0.5%: " + ("met" if rate < target else "MISSED")
            if rate >= target:
                failures.append(check.code)
        print(f"{check.code:32} {count:>8} {rate:>7.2%}  {per}{mark}")
    print()
    for code, counts in naive.items():
        ours, theirs = sum(flagged[code].values()), sum(counts.values())
        print(f"baseline {code}: naive substring rule flags {theirs} ({theirs / total:.2%}); "
              f"the check flags {ours} ({ours / total:.2%}), ratio {ours / max(theirs, 1):.3f}")  # fmt: skip
    duplicate_figures(by_key, partner, edit_of, matches)
    for code in sorted(samples):
        picked = (
            samples[code]
            if len(samples[code]) <= args.samples
            else rng.sample(samples[code], args.samples)
        )
        print(f"\n== {code}: {len(samples[code])} flagged; sample of {len(picked)}")
        for finding in picked:
            print(f"  - {finding.subject}  [{finding.where}]\n    {finding.message}")
            if finding.excerpt:
                print(f"    > {finding.excerpt}")
    print(
        "\nResult:", "targets met" if not failures else f"targets MISSED for {', '.join(failures)}"
    )


def duplicate_figures(
    by_key: dict[int, Subject],
    partner: dict[int, int],
    edit_of: dict[int, str],
    matches: dict[int, int | None],
) -> None:
    """Print the duplicate-story check's recall on the planted copies and its precision on all flags."""
    confirmed = {
        key: match is not None
        and (
            partner.get(key) == match or referee_share(by_key[key], by_key[match]) >= REFEREE_SHARE
        )
        for key, match in matches.items()
    }
    caught: Counter = Counter()
    planted: Counter = Counter()
    for key, edit in edit_of.items():
        planted[edit] += 1
        caught[edit] += bool(confirmed.get(key))
    if planted:
        per = ", ".join(f"{edit} {caught[edit] / planted[edit]:.3f}" for edit in EDITS)
        total = sum(planted.values())
        print(
            f"\nduplicate-story recall on {total} planted copies: "
            f"{sum(caught.values()) / total:.3f} ({per})"
        )
    own = {k: ok for k, ok in confirmed.items() if k not in edit_of and matches[k] not in edit_of}
    for name, flags in (("all flags", confirmed), ("the corpora's own stories", own)):
        right = sum(flags.values())
        print(
            f"duplicate-story precision on {name}: {right} of {len(flags)} confirmed "
            f"({right / max(len(flags), 1):.3f}; confirmed = the planted partner, or at least "
            f"{REFEREE_SHARE:.0%} of the shorter story's exact 5-word shingles shared)"
        )
    wrong = [key for key, ok in confirmed.items() if not ok][:5]
    for key in wrong:
        match = matches[key]
        other = by_key[match].label if match is not None else "?"
        share = referee_share(by_key[key], by_key[match]) if match is not None else 0.0
        print(f"  unconfirmed: {by_key[key].label} -> {other} (exact share {share:.2f})")


if __name__ == "__main__":
    main()
