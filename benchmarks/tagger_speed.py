#!/usr/bin/env python3
"""Tokens per second of presslens's shipped part-of-speech tagger, on one core.

Tags the UD English EWT test set (gold tokens) several times: in article-sized
batches of sentences as the annotator does (starting with an empty word-type
cache, so the cost of first-seen words is included), then warm, then one
sentence at a time. Without the EWT files it tags a generated text instead.
Runs in a single process pinned to one CPU.

    python3 benchmarks/tagger_speed.py [--repeat 5] [--min-rate 50000]

Exit status 1 when the headline rate is below ``--min-rate``.
"""

from __future__ import annotations

import argparse
import os

# One thread, one core: numpy must not fan out (set before importing numpy).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BATCH = 25  # sentences per call, about one news article


def load_tagger_module() -> ModuleType:
    """``presslens.syntax.tagger`` from this checkout (run with the project's venv)."""
    sys.path.insert(0, str(ROOT / "lib"))
    from presslens.syntax import tagger

    return tagger


def generated_text(n_sents: int = 2000, seed: int = 7) -> list[list[str]]:
    """News-like sentences from a small grammar, when EWT is not at hand."""
    rng = random.Random(seed)
    names = ["Khan", "Ahmed", "Smith", "Kabul", "Islamabad", "Istanbul", "Reuters", "Taliban", "Afghanistan", "Qatar"]
    nouns = ["talks", "officials", "border", "ceasefire", "delegation", "ministry", "statement", "week", "crossing",
             "trade", "security", "clashes", "government", "agreement", "spokesman", "mediators", "sources", "region"]
    verbs = ["said", "resumed", "collapsed", "agreed", "warned", "denied", "reported", "announced", "met", "rejected"]
    adjs = ["senior", "fragile", "new", "cross-border", "Pakistani", "Afghan", "second", "diplomatic", "tense"]
    out = []
    for _ in range(n_sents):
        s = ["The", rng.choice(adjs), rng.choice(nouns), rng.choice(verbs), "on", rng.choice(["Monday", "Friday"])]
        if rng.random() < 0.5:
            s += ["that", rng.choice(names), "had", rng.choice(verbs), rng.choice(["the", "a"]), rng.choice(nouns)]
        if rng.random() < 0.3:
            s += [",", "\u201c", rng.choice(["We", "They"]), "will", "not", "accept", "this", ",", "\u201d",
                  rng.choice(names), "said"]
        if rng.random() < 0.2:
            s += ["--", str(rng.randint(2, 9999)), rng.choice(["people", "%", "km"]), "..."]
        out.append(s + ["."])
    return out


def rate(tag_sents, sents: list[list[str]], batch: int) -> float:
    n = sum(map(len, sents))
    t0 = time.perf_counter()
    for i in range(0, len(sents), batch):
        tag_sents(sents[i : i + batch])
    return n / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tokens/second of the shipped tagger on one core.")
    ap.add_argument("--repeat", type=int, default=5, help="warm repetitions (default: 5)")
    ap.add_argument("--min-rate", type=float, default=0.0, help="fail below this many tokens/s (headline rate)")
    ap.add_argument("--data", type=Path, default=None, help="CoNLL-U file to tag (default: EWT test)")
    args = ap.parse_args(argv)

    pinned = "not pinned"
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f"pinned to CPU {cpu}"
    tg = load_tagger_module()
    from presslens.syntax.conllu import read_conllu

    ewt = Path(os.environ.get("PRESSLENS_EWT_DIR", ROOT.parent / "shared" / "data" / "ud-english-ewt"))
    path = args.data or ewt / "en_ewt-ud-test.conllu"
    if path.is_file():
        sents = [w for w, _ in read_conllu(path)]
        source = path.name
    else:
        sents = generated_text()
        source = "generated text (EWT not found)"
    n_tok = sum(map(len, sents))

    t0 = time.perf_counter()
    tagger = tg.PerceptronTagger.load()
    load_s = time.perf_counter() - t0
    size = tg.MODEL_PATH.stat().st_size

    print(f"presslens tagger speed: single process, one thread, {pinned}")
    print(f"model   {tagger.version} ({size / 1e6:.2f} MB), loaded in {load_s:.2f} s")
    print(f"data    {source}: {len(sents)} sentences, {n_tok} tokens")

    tagger._reset_cache()  # start cold, as a fresh process does
    rates = [rate(tagger.tag_sents, sents, BATCH)]
    cold = rates[0]
    for _ in range(args.repeat):
        rates.append(rate(tagger.tag_sents, sents, BATCH))
    total_time = sum(n_tok / r for r in rates)
    headline = n_tok * len(rates) / total_time
    warm_whole = max(rate(tagger.tag_sents, sents, len(sents)) for _ in range(max(1, args.repeat // 2)))
    one = rate(tagger.tag_sents, sents, 1)

    print(f"batches of {BATCH} sentences, first run (cold cache): {cold:10,.0f} tokens/s")
    print(f"batches of {BATCH} sentences, warm (best of {args.repeat}):   {max(rates[1:] or rates):10,.0f} tokens/s")
    print(f"whole set in one call, warm:                  {warm_whole:10,.0f} tokens/s")
    print(f"one sentence per call, warm:                  {one:10,.0f} tokens/s")
    print(f"tokens/second (single process, {1 + args.repeat} runs in batches of {BATCH} incl. cold start): {headline:,.0f}")
    if headline < args.min_rate:
        print(f"FAIL: below {args.min_rate:,.0f} tokens/s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
