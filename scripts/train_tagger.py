#!/usr/bin/env python3
"""Train presslens's part-of-speech tagger on UD English EWT.

Default: train on EWT train + dev, write the shipped model file, then report
accuracy on the test set (never trained on):

    python3 scripts/train_tagger.py --eval EWT/en_ewt-ud-test.conllu

To tune, train on train only and evaluate on dev and test:

    python3 scripts/train_tagger.py --train EWT/en_ewt-ud-train.conllu \\
        --out /tmp/tagger.json.gz --eval EWT/en_ewt-ud-dev.conllu EWT/en_ewt-ud-test.conllu

EWT is looked for in ``$PRESSLENS_EWT_DIR`` or ``../shared/data/ud-english-ewt``
next to the repository. The same files, iterations and seed give a
byte-identical model file. Needs only numpy besides the standard library.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent


def load_tagger_module() -> SimpleNamespace:
    """The tagger, its training code and the CoNLL-U reader from this checkout, as one namespace
    (run with the project's venv)."""
    sys.path.insert(0, str(ROOT / "lib"))
    from presslens.evaluate import pos
    from presslens.syntax import conllu, tagger
    from presslens.training import tagger as training

    return SimpleNamespace(MODEL_PATH=tagger.MODEL_PATH, PerceptronTagger=tagger.PerceptronTagger,
                           read_conllu_spacing=conllu.read_conllu_spacing, hyphen_compounds=training.hyphen_compounds,
                           train=training.train, save=training.save, evaluate=pos.evaluate)


def ewt_dir() -> Path:
    env = os.environ.get("PRESSLENS_EWT_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "ud-english-ewt"


def main(argv: list[str] | None = None) -> int:
    tg = load_tagger_module()
    data = ewt_dir()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", nargs="+", type=Path,
                    default=[data / "en_ewt-ud-train.conllu", data / "en_ewt-ud-dev.conllu"],
                    help="CoNLL-U files to train on (default: EWT train + dev)")
    ap.add_argument("--out", type=Path, default=tg.MODEL_PATH, help="model file to write (default: the shipped model)")
    ap.add_argument("--iterations", type=int, default=8, help="perceptron iterations (default: 8)")
    ap.add_argument("--seed", type=int, default=1, help="shuffling seed (default: 1)")
    ap.add_argument("--runs", type=int, default=4, help="perceptrons averaged per pass (default: 4)")
    ap.add_argument("--folds", type=int, default=10, help="jackknife folds (default: 10)")
    ap.add_argument("--no-compounds", action="store_true",
                    help="do not add copies of sentences with hyphenated compounds joined")
    ap.add_argument("--eval", nargs="*", type=Path, default=[], help="CoNLL-U files to report accuracy on")
    ap.add_argument("--quiet", action="store_true", help="no per-iteration progress")
    args = ap.parse_args(argv)

    for path in [*args.train, *args.eval]:
        if not path.is_file():
            ap.error(f"no such file: {path} (set PRESSLENS_EWT_DIR?)")
    if any(p.name.endswith("-test.conllu") for p in args.train):
        print("warning: training on a test file; its accuracy will mean nothing", file=sys.stderr)

    sents: list[tuple[list[str], list[str]]] = []
    n_compound = 0
    for path in args.train:
        for words, tags, space_after in tg.read_conllu_spacing(path):
            sents.append((words, tags))
            joined = None if args.no_compounds else tg.hyphen_compounds(words, tags, space_after)
            if joined:
                # Right after the original, so both land in the same jackknife block.
                sents.append(joined)
                n_compound += 1
    print(f"training on {', '.join(p.name for p in args.train)}: {len(sents)} sentences "
          f"({n_compound} with hyphenated compounds joined)")
    meta = {
        "trained_on": [p.name for p in args.train],
        "hyphen_compounds": not args.no_compounds,
        "treebank": "UD English EWT (CC BY-SA 4.0)",
        "command": "python3 scripts/train_tagger.py " + " ".join(
            ([f"--train {' '.join(p.name for p in args.train)}"] if args.train != ap.get_default("train") else [])
            + [f"--iterations {args.iterations}", f"--seed {args.seed}", f"--runs {args.runs}", f"--folds {args.folds}"]
            + (["--no-compounds"] if args.no_compounds else [])
        ),
    }
    t0 = time.perf_counter()
    tagger = tg.train(sents, n_iter=args.iterations, seed=args.seed, folds=args.folds, runs=args.runs, meta=meta,
                      log=None if args.quiet else (lambda m: print(m, flush=True)))
    print(f"trained in {time.perf_counter() - t0:.0f} s")
    tg.save(tagger, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), {tagger.version}")

    t0 = time.perf_counter()
    loaded = tg.PerceptronTagger.load(args.out)
    print(f"reloaded in {time.perf_counter() - t0:.2f} s")
    for path in args.eval:
        r = tg.evaluate(loaded, [path])
        print(f"{path.name}: accuracy {r['accuracy']:.4f} ({r['correct']}/{r['tokens']} tokens)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
