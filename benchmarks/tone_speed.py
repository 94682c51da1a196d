#!/usr/bin/env python3
"""Tone model speed on one core: target mentions per second.

Run: .venv/bin/python benchmarks/tone_speed.py [--repeat N]

Times loading the model file, then scores the targets of NewsMTSC
devtest_mt (from ../shared/data/newsmtsc, or a few built-in sentences,
repeated, when it is absent) after a warm-up call that loads the tagger and
the parser. Times the batch call
(``predict_many``: one tagger batch) and mention-by-mention ``predict``
calls (what a caller looping over mentions pays), plus the VADER baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT / "lib"))

_FALLBACK = [("Militants attacked Pakistan near the border.", "Pakistan"),
             ("Qatar praised Pakistan's restraint during the talks.", "Qatar"),
             ("Delegations from Pakistan and Afghanistan met in Istanbul on Monday.", "Afghanistan")]


def load_items(repeat: int) -> tuple[list[tuple[str, int, int]], str]:
    path = SHARED / "data" / "newsmtsc" / "devtest_mt.jsonl"
    if path.is_file():
        from presslens.evaluate.tone import read_newsmtsc

        items = [(t, s, e) for t, s, e, _, _ in read_newsmtsc(path)]
        what = f"NewsMTSC devtest_mt ({len(items)} targets)"
    else:
        items = [(t, t.index(m), t.index(m) + len(m)) for t, m in _FALLBACK] * 100
        what = f"built-in sentences ({len(items)} targets)"
    return items * repeat, what


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    from presslens.framing.tone import MODEL_PATH, ToneModel, default_tone_model, vader_sentence_tone

    items, what = load_items(args.repeat)
    t0, c0 = time.perf_counter(), time.process_time()
    ToneModel.load()
    load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    model = default_tone_model()
    model.predict_many(items[:5])  # warm-up: loads tagger, parser, VADER

    t0 = time.perf_counter()
    model.predict_many(items)
    batch = time.perf_counter() - t0

    t0 = time.perf_counter()
    for it in items:
        model.predict(*it)
    single = time.perf_counter() - t0

    t0 = time.perf_counter()
    for t, _, _ in items:
        vader_sentence_tone(t)
    vader = time.perf_counter() - t0

    n = len(items)
    size = MODEL_PATH.stat().st_size
    print(f"corpus: {what} x{args.repeat}; model {model.version}, {size / 1e6:.2f} MB, {len(model.features):,} features")
    print(f"model load:                  {load_s:.2f} s ({load_cpu:.2f} CPU-s)")
    print(f"predict_many (one batch):    {batch:.2f} s = {n / batch:,.0f} mentions/s")
    print(f"predict (one call each):     {single:.2f} s = {n / single:,.0f} mentions/s")
    print(f"VADER sentence (baseline):   {vader:.2f} s = {n / vader:,.0f} mentions/s")


if __name__ == "__main__":
    main()
