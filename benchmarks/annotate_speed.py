#!/usr/bin/env python3
"""Annotation speed on one core: words per second of the whole annotator.

Run: .venv/bin/python benchmarks/annotate_speed.py [--docs N] [--repeat N]

Annotates PolNeAR article texts from ../shared/data/polnear (or the default
article, repeated, when they are absent) in this single process, after one
warm-up document so that model loading is not counted. Also times the floor
that any annotator must pay: Punkt sentences + word tokens only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent / "shared"))


def load_texts(limit: int) -> tuple[list[str], str]:
    polnear = sorted((SHARED / "data" / "polnear").glob("*/text/*.txt"))
    if polnear:
        return [p.read_text(encoding="utf-8") for p in polnear[:limit]], f"{min(limit, len(polnear))} PolNeAR articles"
    article = (ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt").read_text(encoding="utf-8")
    return [article] * limit, f"the default article x{limit}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs; medians are reported (default 3)")
    args = ap.parse_args()

    import presslens
    from presslens.document.spans import Document
    from presslens.syntax.segment import default_segmenter, is_word

    texts, what = load_texts(args.docs)
    presslens.annotate_text(texts[0])  # warm-up: loads the tagger and lexicons

    seg = default_segmenter()
    runs = []
    # The three measurements alternate, --repeat times: on a shared machine
    # the speed of the cores drifts, and the ratio of medians taken side by
    # side is steadier than one pair of runs.
    for _ in range(args.repeat):
        # Wall and CPU seconds: on a shared machine CPU seconds say what the work costs.
        t0, c0 = time.perf_counter(), time.process_time()
        n_words = 0
        for text in texts:
            for ps, pe in _paras(text):
                for s, e in seg.sentence_spans(text, ps, pe):
                    n_words += sum(is_word(f) for _, _, f in seg.token_spans(text, s, e))
        floor, floor_cpu = time.perf_counter() - t0, time.process_time() - c0

        # Each run starts with the tagger's word-type cache as after the warm-up,
        # so that neither run profits from the words the other one met.
        seg.tagger._reset_cache()
        t0, c0 = time.perf_counter(), time.process_time()
        for i, text in enumerate(texts):
            presslens.annotate(Document(f"d{i}", text))
        full, full_cpu = time.perf_counter() - t0, time.process_time() - c0

        seg.tagger._reset_cache()
        t0, c0 = time.perf_counter(), time.process_time()
        presslens.annotate_documents([Document(f"b{i}", text) for i, text in enumerate(texts)])
        batch, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
        runs.append((floor, floor_cpu, full, full_cpu, batch, batch_cpu))

    floor, floor_cpu, full, full_cpu, batch, batch_cpu = (statistics.median(col) for col in zip(*runs))
    print(f"corpus: {what}, {n_words:,} words (single process, one core), median of {args.repeat} alternating runs")
    print(f"floor (Punkt sentences + word tokens):   {floor:.2f} s = {n_words / floor:,.0f} words/s "
          f"(CPU {floor_cpu:.2f} s = {n_words / floor_cpu:,.0f} words/s)")
    print(f"full annotation, one by one (annotate):  {full:.2f} s = {n_words / full:,.0f} words/s "
          f"(CPU {full_cpu:.2f} s = {n_words / full_cpu:,.0f} words/s)")
    print(f"full annotation, batched (annotate_documents): {batch:.2f} s = {n_words / batch:,.0f} words/s "
          f"(CPU {batch_cpu:.2f} s = {n_words / batch_cpu:,.0f} words/s)")
    print(f"ratio full / floor: one by one {full / floor:.2f} (CPU {full_cpu / floor_cpu:.2f}), "
          f"batched {batch / floor:.2f} (CPU {batch_cpu / floor_cpu:.2f})")
    print("batched ratio of each run (CPU): " + " ".join(f"{r[5] / r[1]:.2f}" for r in runs))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"python {sys.version.split()[0]}, presslens {presslens.__version__}")


def _paras(text: str):
    from presslens.syntax.segment import paragraph_spans

    return paragraph_spans(text)


if __name__ == "__main__":
    main()
