#!/usr/bin/env python3
"""Tokens per second of presslens's shipped dependency parser, on one core.

Parses the UD English EWT test set (gold tokens, tags from the shipped
tagger, tagging time not counted) in batches of sentences as
``DependencyParser.parse_sents`` does, then one sentence at a time as
``parse`` does. Without the EWT files it parses a generated text instead.
Runs in a single process pinned to one CPU.

    python3 benchmarks/parser_speed.py [--repeat 3] [--min-rate 5000]

Exit status 1 when the batched rate is below ``--min-rate``.
"""

from __future__ import annotations

import argparse
import os

# One thread, one core: numpy must not fan out (set before importing numpy).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def rate(fn, sents: list[list[str]], tags: list[list[str]]) -> float:
    n = sum(map(len, sents))
    t0 = time.perf_counter()
    fn(sents, tags)
    return n / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tokens/second of the shipped parser on one core.")
    ap.add_argument("--repeat", type=int, default=3, help="timed repetitions; the best is reported (default: 3)")
    ap.add_argument("--min-rate", type=float, default=0.0, help="fail below this many tokens/s (batched)")
    ap.add_argument("--data", type=Path, default=None, help="CoNLL-U file to parse (default: EWT test)")
    args = ap.parse_args(argv)

    pinned = "not pinned"
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f"pinned to CPU {cpu}"
    from presslens.syntax.parser import MODEL_PATH, DependencyParser, read_conllu_trees
    from presslens.syntax.tagger import default_tagger

    ewt = Path(os.environ.get("PRESSLENS_EWT_DIR", ROOT.parent / "shared" / "data" / "ud-english-ewt"))
    path = args.data or ewt / "en_ewt-ud-test.conllu"
    if path.is_file():
        sents = [w for w, *_ in read_conllu_trees(path)]
        source = path.name
    else:
        from tagger_speed import generated_text

        sents = generated_text()
        source = "generated text (EWT not found)"
    tags = default_tagger().tag_sents(sents)
    n_tok = sum(map(len, sents))

    t0, c0 = time.perf_counter(), time.process_time()
    parser = DependencyParser.load()
    load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"presslens parser speed: single process, one thread, {pinned}")
    print(f"model   {parser.version} ({MODEL_PATH.stat().st_size / 1e6:.2f} MB), "
          f"loaded in {load_s:.2f} s ({load_cpu:.2f} CPU-s)")
    print(f"data    {source}: {len(sents)} sentences, {n_tok} tokens (tags precomputed)")

    batched = max(rate(parser.parse_sents, sents, tags) for _ in range(args.repeat))
    one = rate(lambda ss, tt: [parser.parse(w, t) for w, t in zip(ss, tt)], sents, tags)
    print(f"one sentence per call (parse):                 {one:10,.0f} tokens/s")
    print(f"batches of {parser.BATCH} sentences (parse_sents), best of {args.repeat}: {batched:10,.0f} tokens/s")
    if batched < args.min_rate:
        print(f"FAIL: below {args.min_rate:,.0f} tokens/s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
