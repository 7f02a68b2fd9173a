"""How well the saved-page importer reads real news pages, beside two baselines measured in the same run.

Data: `$DATELINE_SHARED_DATA/news-html/` (default `../shared/data/news-html/`):
- scrapinghub article-extraction-benchmark: 181 pages with the expected body text (no metadata);
- newspaper4k test data: 12 pages with expected text, title, authors and publication date.

Measures, per extractor:
- body similarity: token F1 between the extracted body text and the expected text. Tokens are
  lower-cased words (`\\w+`); precision and recall count shared tokens as multisets; F1 is their
  harmonic mean. 1.0 means the same words as often. Mean over every page with expected text.
- headline: exact match with the expected title after collapsing whitespace and unifying quotes.
- date: the same calendar day as the expected publication date (as written, in its own offset).
- authors: the same set of names (case and whitespace ignored).
Rates are over the pages that give an expected value (newspaper4k only; null/empty values skipped).

Extractors: `dateline` (the importer's `page_extract`), `trafilatura` (its defaults: `extract()` for
the body, `bare_extraction(with_metadata=True)` for the rest) and `naive` (every <p>'s text, the
<title>, the first <time datetime>, <meta name=author>).

Run: .venv/bin/python bench/import_accuracy.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

import django  # noqa: E402

django.setup()

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from dateline.importers.html.extract import page_extract, parse_datetime  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402

Fields = dict  # headline, date (YYYY-MM-DD or ""), authors (list), body (str)


def tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def token_f1(predicted: str, expected: str) -> float:
    p, e = tokens(predicted), tokens(expected)
    if not p or not e:
        return 1.0 if not p and not e else 0.0
    common = sum((p & e).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(e.values())
    return 2 * precision * recall / (precision + recall)


def norm_text(text: str) -> str:
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\xa0", " ")
    return " ".join(text.split())


def norm_authors(names) -> frozenset:
    return frozenset(" ".join(str(n).lower().split()) for n in names or [] if str(n).strip())


def day_of(value) -> str:
    parsed = parse_datetime(str(value)) if value else None
    return parsed.date().isoformat() if parsed else ""


def dateline_fields(html: str) -> Fields:
    page = page_extract(html)
    return {
        "headline": page.headline,
        "date": page.published.date().isoformat() if page.published else "",
        "authors": page.authors,
        "body": page.body_text,
    }


def trafilatura_fields(html: str) -> Fields:
    body = trafilatura.extract(html) or ""
    meta = trafilatura.bare_extraction(html, with_metadata=True)
    author = getattr(meta, "author", None) or ""
    return {
        "headline": getattr(meta, "title", None) or "",
        "date": day_of(getattr(meta, "date", None)),
        "authors": [a.strip() for a in author.split(";") if a.strip()],
        "body": body,
    }


def naive_fields(html: str) -> Fields:
    try:
        doc = lxml.html.document_fromstring(html)
    except Exception:
        return {"headline": "", "date": "", "authors": [], "body": ""}
    title = doc.findtext(".//title") or ""
    times = doc.xpath("//time/@datetime")
    author = doc.xpath('//meta[@name="author"]/@content')
    body = "\n".join(" ".join(p.text_content().split()) for p in doc.iter("p"))
    return {
        "headline": title,
        "date": day_of(times[0]) if times else "",
        "authors": [author[0]] if author else [],
        "body": body,
    }


EXTRACTORS: dict[str, Callable[[str], Fields]] = {
    "dateline": dateline_fields,
    "trafilatura": trafilatura_fields,
    "naive": naive_fields,
}


def load_pages(root: Path, limit: int | None) -> list[dict]:
    pages = []
    bench = root / "scrapinghub-article-extraction-benchmark"
    if (bench / "ground-truth.json").is_file():
        truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
        for key in sorted(truth):
            path = bench / "html" / f"{key}.html.gz"
            if path.is_file():
                html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
                pages.append(
                    {
                        "set": "scrapinghub",
                        "id": key,
                        "html": html,
                        "body": truth[key].get("articleBody", ""),
                    }
                )
    n4k = root / "newspaper4k-test-data"
    for meta_path in sorted((n4k / "metadata").glob("*.json")):
        name = meta_path.stem
        html_path, txt_path = n4k / "html" / f"{name}.html", n4k / "txt" / f"{name}.txt"
        if not html_path.is_file():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        pages.append(
            {
                "set": "newspaper4k",
                "id": name,
                "html": html_path.read_text(encoding="utf-8", errors="replace"),
                "body": txt_path.read_text(encoding="utf-8") if txt_path.is_file() else "",
                "headline": meta.get("title"),
                "date": day_of(meta.get("publish_date")),
                "authors": meta.get("authors") or [],
            }
        )
    if limit is not None:
        scrapinghub = [p for p in pages if p["set"] == "scrapinghub"][:limit]
        pages = scrapinghub + [p for p in pages if p["set"] == "newspaper4k"]
    return pages


def evaluate(pages: list[dict], verbose: bool) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name, extract in EXTRACTORS.items():
        sims, heads, dates, authors = [], [], [], []
        started = time.perf_counter()
        for page in pages:
            got = extract(page["html"])
            if page["body"]:
                sims.append(token_f1(got["body"], page["body"]))
            if page.get("headline"):
                heads.append(norm_text(got["headline"]) == norm_text(page["headline"]))
                if verbose and name == "dateline" and not heads[-1]:
                    print(f"  headline {page['id']}: {got['headline']!r} != {page['headline']!r}")
            if page.get("date"):
                dates.append(got["date"] == page["date"])
                if verbose and name == "dateline" and not dates[-1]:
                    print(f"  date {page['id']}: {got['date']!r} != {page['date']!r}")
            if page.get("authors"):
                authors.append(norm_authors(got["authors"]) == norm_authors(page["authors"]))
                if verbose and name == "dateline" and not authors[-1]:
                    print(f"  authors {page['id']}: {got['authors']!r} != {page['authors']!r}")
        results[name] = {
            "body": statistics.mean(sims) if sims else float("nan"),
            "body_n": len(sims),
            "body_median": statistics.median(sims) if sims else float("nan"),
            "headline": sum(heads) / len(heads) if heads else float("nan"),
            "headline_n": len(heads),
            "date": sum(dates) / len(dates) if dates else float("nan"),
            "date_n": len(dates),
            "authors": sum(authors) / len(authors) if authors else float("nan"),
            "authors_n": len(authors),
            "seconds": time.perf_counter() - started,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--limit", type=int, help="only the first N scrapinghub pages (all newspaper4k pages)"
    )
    parser.add_argument("--verbose", action="store_true", help="list the importer's misses")
    args = parser.parse_args()
    root = shared_data_dir() / "news-html"
    if not root.is_dir():
        sys.exit(f"skipped: {root} is absent (set DATELINE_SHARED_DATA)")
    pages = load_pages(root, args.limit)
    results = evaluate(pages, args.verbose)
    base = results["trafilatura"]
    print(f"\n{len(pages)} pages from {root}\n")
    print(f"{'measure':<36}{'dateline':>10}{'trafilatura':>13}{'naive':>9}{'ratio':>8}  target")
    rows = [
        ("mean body similarity (F1)", "body", "body_n", "≥ 0.90"),
        ("median body similarity", "body_median", "body_n", ""),
        ("headline exact match", "headline", "headline_n", "≥ 95%"),
        ("date match (same day)", "date", "date_n", "≥ 90%"),
        ("authors exact match", "authors", "authors_n", ""),
    ]
    for label, key, n_key, target in rows:
        values = [results[name][key] for name in EXTRACTORS]
        ratio = results["dateline"][key] / base[key] if base[key] else float("nan")
        n = results["dateline"][n_key]
        print(
            f"{label + f' (n={n})':<36}"
            + "".join(
                f"{v:>10.3f}" if i == 0 else f"{v:>13.3f}" if i == 1 else f"{v:>9.3f}"
                for i, v in enumerate(values)
            )
            + f"{ratio:>8.2f}  {target}"
        )
    seconds = [results[name]["seconds"] for name in EXTRACTORS]
    print(
        f"{'time, ratio to trafilatura':<36}" + f"{seconds[0] / seconds[1]:>10.2f}{1.0:>13.2f}"
        f"{seconds[2] / seconds[1]:>9.2f}"
    )


if __name__ == "__main__":
    main()
