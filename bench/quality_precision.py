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

Near-duplicates are found by the related-news engine, as in `dateline check`: every article (planted
copies included) is written as a live page to a scratch SQLite database made for the run, the engine
profiles them (`related_rebuild`, lexical mode) and the check asks its stored profiles
(`dateline.related.selectors.similar_stories`). The corpora are compared with no date window
(`--window-days`; the BBC corpus has no dates), and precision and recall are also printed for a range
of similarity thresholds. The scratch database is deleted at the end; your newsroom's is not touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import random
import re
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")
# The engine's archive lives in a scratch database made for this run, never the newsroom's.
SCRATCH = tempfile.TemporaryDirectory(prefix="quality-precision-")
os.environ["DATABASE_URL"] = f"sqlite:///{Path(SCRATCH.name) / 'bench.sqlite3'}"
# Near-duplicates are decided on the lexical profile and the fingerprint: no embeddings needed.
os.environ["DATELINE_RELATED_MODE"] = "lexical"

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402

from dateline.core.routing import page_url  # noqa: E402
from dateline.newsroom.models import ArticlePage  # noqa: E402
from dateline.newsroom.services import section_ensure, site_ensure  # noqa: E402
from dateline.newsroom.text import sentences  # noqa: E402
from dateline.quality.checks.base import check_by_code, registered_checks  # noqa: E402
from dateline.quality.duplicates import similar_stories_finder, subject_story_text  # noqa: E402
from dateline.quality.extract import text_subject  # noqa: E402
from dateline.quality.runner import checks_run  # noqa: E402
from dateline.quality.subjects import BODY, CheckContext, Similar, Subject  # noqa: E402
from dateline.quality.text import words  # noqa: E402
from dateline.related.services import related_rebuild  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402

TARGETED = {"filler-text": 0.005, "headline-repeated": 0.005}
DUPLICATE = "duplicate-story"
# Similarity thresholds the duplicate-story figures are also given for.
SWEEP = (0.8, 0.85, 0.88, 0.9, 0.92, 0.95)
# Stories without a date (the BBC corpus) are filed on this day.
UNDATED = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)


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


_SHINGLES: dict[int, set[tuple[str, ...]]] = {}


def _shingles_of(subject: Subject) -> set[tuple[str, ...]]:
    if id(subject) not in _SHINGLES:
        _SHINGLES[id(subject)] = shingle_set(subject)
    return _SHINGLES[id(subject)]


def referee_share(a: Subject, b: Subject) -> float:
    """Return the share of the shorter story's exact 5-word shingles found in the other."""
    left, right = _shingles_of(a), _shingles_of(b)
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def archive_load(subjects: list[Subject], corpus: str) -> None:
    """Write `subjects` as live articles of a section named after the corpus; set their page ids.

    Pages and article rows go in by bulk inserts (publishing ~30,000 stories one by one would take
    hours); then `related_rebuild` profiles them all, as it does a newsroom's archive.
    """
    section = section_ensure(home=site_ensure(), slug=corpus, title=corpus.title())
    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    for start in range(0, len(subjects), 500):
        batch = subjects[start : start + 500]
        with transaction.atomic():
            pages = []
            for offset, subject in enumerate(batch, start=start + 1):
                when = subject.published_at or UNDATED
                pages.append(
                    Page(
                        path=Page._get_path(section.path, section.depth + 1, offset),
                        depth=section.depth + 1,
                        numchild=0,
                        title=subject.title[:255] or f"Untitled {offset}",
                        draft_title=subject.title[:255] or f"Untitled {offset}",
                        slug=f"s-{offset}",
                        content_type=content_type,
                        live=True,
                        first_published_at=when,
                        last_published_at=when,
                        url_path=f"{section.url_path}s-{offset}/",
                        locale=locale,
                        translation_key=uuid.uuid4(),
                    )
                )
            Page.objects.bulk_create(pages)
            ids = dict(
                Page.objects.child_of(section)
                .filter(slug__in=[page.slug for page in pages])
                .values_list("slug", "pk")
            )
            # Django cannot bulk-create a model that extends another's table: insert the rows.
            fields = ArticlePage._meta.local_concrete_fields
            rows = []
            for page, subject in zip(pages, batch, strict=True):
                subject.page_id = ids[page.slug]
                body = [
                    {"type": "paragraph", "value": f"<p>{html.escape(part.text)}</p>"}
                    for part in subject.texts(BODY)
                ]
                article = ArticlePage(
                    page_ptr_id=subject.page_id,
                    standfirst="",
                    body=json.dumps(body),
                    published_at=page.first_published_at,
                )
                rows.append(
                    [f.get_db_prep_save(f.pre_save(article, True), connection) for f in fields]
                )
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {ArticlePage._meta.db_table} ({columns}) VALUES ({marks})", rows
                )
    Page.objects.filter(pk=section.pk).update(numchild=len(subjects))


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
    parser.add_argument(
        "--window-days", type=int, default=0, help="duplicate-story date window (0: none)"
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
    found: dict[int, list[Similar]] = {}  # every story -> what the engine found like it
    call_command("migrate", verbosity=0)
    read: dict[str, tuple[list[Subject], int]] = {}
    for corpus, (reader, path) in corpora.items():
        if not path.exists():
            print(f"skip {corpus}: {path} is missing")
            continue
        subjects = reader(path, args.limit)
        planted = planted_copies(subjects, args.planted, plant_rng)
        own = len(subjects)
        subjects.extend(copy for copy, _, _ in planted)
        archive_load(subjects, corpus)
        for subject in subjects:
            subject.kind = "article"
            by_key[subject.page_id] = subject
        for copy, original, edit in planted:
            partner[copy.page_id], partner[original.page_id] = original.page_id, copy.page_id
            edit_of[copy.page_id] = edit
        read[corpus] = (subjects, own)
    started = time.perf_counter()
    rebuild = related_rebuild()
    print(
        f"related_rebuild: {rebuild.articles} articles profiled in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    keys_by_url = {
        page_url(url_path=url_path, request=None): pk
        for pk, url_path in Page.objects.filter(pk__in=list(by_key)).values_list("pk", "url_path")
    }
    # As `dateline check` runs: the live articles compared by their stored profiles.
    engine_finder = similar_stories_finder(
        window_days=args.window_days, minimum=min(SWEEP), stored_profiles=True
    )

    lookup_seconds = 0.0

    def finder(subject: Subject) -> list[Similar]:
        nonlocal lookup_seconds
        started = time.perf_counter()
        found[subject.page_id] = engine_finder(subject)
        lookup_seconds += time.perf_counter() - started
        return found[subject.page_id]

    context = CheckContext(now=now, similar_stories=finder)
    for corpus, (subjects, own) in read.items():
        totals[corpus] = own
        for subject in tqdm(subjects, desc=corpus, file=sys.stderr):
            started = time.perf_counter()
            subject_story_text(subject).split()  # baseline: just reading the text
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
    threshold = check_by_code(DUPLICATE).defaults["similarity"]
    print(
        f"\nduplicate-story as the check runs (similarity from {threshold}, or same fingerprint):"
    )
    duplicate_figures(by_key, partner, edit_of, matches)
    print(
        f"lookups: {len(found)} in {lookup_seconds:.1f} s "
        f"({lookup_seconds / max(len(found), 1) * 1000:.2f} ms each, the stored profiles of an "
        f"archive of {len(by_key)} stories, SQLite)"
    )
    print(
        "\nduplicate-story by similarity threshold, with and without the fingerprint (same lookups):"
    )
    for fingerprint in (True, False):
        for value in SWEEP:
            chosen = {}
            for key, similar in found.items():
                first = next(
                    (
                        s
                        for s in similar
                        if s.similarity >= value or (fingerprint and s.same_fingerprint)
                    ),
                    None,
                )
                if first is not None:
                    chosen[key] = keys_by_url.get(first.url)
            name = f"{value:.2f}{' or same fingerprint' if fingerprint else ''}"
            duplicate_figures(by_key, partner, edit_of, chosen, label=name, brief=True)
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
    *,
    label: str = "",
    brief: bool = False,
) -> None:
    """Print the duplicate-story check's recall on the planted copies and its precision on its flags.

    `matches` maps each flagged story to the story its finding names; `brief` prints one line.
    """
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
    total = max(sum(planted.values()), 1)
    recall = sum(caught.values()) / total
    per = ", ".join(f"{edit} {caught[edit] / max(planted[edit], 1):.3f}" for edit in EDITS)
    own = {k: ok for k, ok in confirmed.items() if k not in edit_of and matches[k] not in edit_of}
    precision = sum(confirmed.values()) / max(len(confirmed), 1)
    own_precision = sum(own.values()) / max(len(own), 1)
    if brief:
        print(
            f"  {label}: recall {recall:.3f} ({per}); precision {precision:.3f} of "
            f"{len(confirmed)} flags, {own_precision:.3f} of the corpora's own {len(own)}"
        )
        return
    print(f"recall on {sum(planted.values())} planted copies: {recall:.3f} ({per})")
    for name, flags in (("all flags", confirmed), ("the corpora's own stories", own)):
        right = sum(flags.values())
        print(
            f"precision on {name}: {right} of {len(flags)} confirmed "
            f"({right / max(len(flags), 1):.3f}; confirmed = the planted partner, or at least "
            f"{REFEREE_SHARE:.0%} of the shorter story's exact 5-word shingles shared)"
        )
    unconfirmed = [key for key, ok in confirmed.items() if not ok]
    near = sum(
        1
        for key in unconfirmed
        if matches[key] is not None and referee_share(by_key[key], by_key[matches[key]]) >= 0.5
    )
    print(f"  of the {len(unconfirmed)} unconfirmed, {near} share at least half of that wording")
    for key in unconfirmed[:8]:
        match = matches[key]
        other = by_key[match].label if match is not None else "?"
        share = referee_share(by_key[key], by_key[match]) if match is not None else 0.0
        print(f"  unconfirmed: {by_key[key].label} -> {other} (exact share {share:.2f})")


if __name__ == "__main__":
    main()
