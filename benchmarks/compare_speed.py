#!/usr/bin/env python3
"""`presslens compare` on six articles against `presslens report` on one.

Run: .venv/bin/python benchmarks/compare_speed.py [--repeat N] [--shared ../shared]

Both run as fresh processes, as a researcher runs them, alternating so that
a change in the machine's load hits both alike:

- one article: ``presslens report data/articles/pakistan-afghan-istanbul-talks.txt
  --parties data/parties/pakistan-afghanistan.yml --quiet`` (the three
  article reports, their HTML, index and metrics);
- six articles: ``presslens compare`` on six real articles of ../shared/dev-real
  (01-06; read at run time, never copied) with the same parties file, or,
  without ../shared, on the six invented articles of
  data/validation/story/oslo-dam-talks.

Issue 20 asks that six articles compare in at most three times the time of
one article's report. Prints wall seconds (median of the runs) and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt"
PARTIES = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"
OSLO = ROOT / "data" / "validation" / "story" / "oslo-dam-talks"


def _timed(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "presslens", *args], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    a = ap.parse_args()
    real = sorted((Path(a.shared) / "dev-real").glob("0[1-6]-*.txt"))
    if len(real) == 6:
        six, parties, what = [str(p) for p in real], str(PARTIES), "six real articles (../shared/dev-real 01-06)"
    else:
        six, parties, what = [str(OSLO / "articles.jsonl")], str(OSLO / "parties.yml"), "six invented articles (oslo-dam-talks)"
    one_t, six_t = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.repeat):
            one_t.append(_timed(["report", str(ARTICLE), "--parties", str(PARTIES), "--out", f"{tmp}/one{i}", "--quiet"]))
            six_t.append(_timed(["compare", *six, "--parties", parties, "--out", f"{tmp}/six{i}", "--quiet"]))
            print(f"run {i + 1}: one article {one_t[-1]:.1f} s, {what} {six_t[-1]:.1f} s", flush=True)
    one, many = statistics.median(one_t), statistics.median(six_t)
    print(json.dumps({"one_article_report_s": round(one, 2), "six_article_compare_s": round(many, 2),
                      "ratio": round(many / one, 2), "bar": 3.0, "six": what, "repeat": a.repeat}))


if __name__ == "__main__":
    main()
