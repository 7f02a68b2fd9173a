"""How often each quality check flags real, published news: White House, BBC and Reuters corpora.

Run:  .venv/bin/python bench/quality_precision.py [--limit N] [--samples K] [--seed S]

Every article of the shared corpora becomes an in-memory article subject (headline, body paragraphs,
publication date and section where the corpus has them) and goes through the same check code as the
editor and `dateline check`. For each check the script prints how many articles it flags per corpus,
the rate, and a sample of flags. Beside the filler-text and headline-repeated checks it prints a naive
baseline measured in the same run (plain substring matching), and the ratio of the two. The targets:
filler-text and headline-repeated under 0.5% of these articles. Reads /work/shared/data (or
DATELINE_SHARED_DATA); nothing is written.
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
from dateline.quality.subjects import CheckContext, Subject  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402

TARGETED = {"filler-text": 0.005, "headline-repeated": 0.005}


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


# --- run -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N articles per corpus")
    parser.add_argument("--samples", type=int, default=5, help="flags shown per check")
    parser.add_argument("--seed", type=int, default=1)
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
    for corpus, (reader, path) in corpora.items():
        if not path.exists():
            print(f"skip {corpus}: {path} is missing")
            continue
        subjects = reader(path, args.limit)
        for number, subject in enumerate(subjects):
            subject.kind = "article"
            subject.page_id = number
        index, labels = FingerprintIndex(), {}
        for subject in subjects:
            index.add(subject.page_id, subject_plain_text(subject))
            labels[subject.page_id] = f"{subject.label}: {subject.title[:60]}"
        context = CheckContext(now=now, similar_stories=index_finder(index, labels, {}))
        totals[corpus] = len(subjects)
        for subject in tqdm(subjects, desc=corpus, file=sys.stderr):
            started = time.perf_counter()
            subject_plain_text(subject).split()  # baseline: just reading the text
            baseline_seconds += time.perf_counter() - started
            started = time.perf_counter()
            findings = checks_run(subject=subject, context=context)
            check_seconds += time.perf_counter() - started
            naive["filler-text"][corpus] += naive_filler(subject)
            naive["headline-repeated"][corpus] += naive_headline(subject)
            for code in {finding.code for finding in findings}:
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


if __name__ == "__main__":
    main()
