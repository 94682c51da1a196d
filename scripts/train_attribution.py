"""Train the attribution taggers shipped as ``lib/presslens/models/attribution_perceptron.json.gz``.

Data: the train split of PolNeAR (Newell, Margolin & Ruths 2018, "An
Attribution Relations Corpus for Political News", LREC 2018), in BRAT layout
under ``../shared/data/polnear/train`` (``text/*.txt``, ``attributions/*.ann``).
Only weights derived from it are shipped, never its text.

Stage 1 (cues) is trained on all train articles. Stage 2 (sources and
contents) sees cue features from stage-1 models that did not see the article
(two-fold jackknife), so it learns to work with the cues the tool really
finds. Everything is deterministic (fixed seed, sorted input).

    .venv/bin/python scripts/train_attribution.py [--data DIR] [--out PATH] [--epochs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from presslens.evaluate.attribution import gold_paragraphs  # noqa: E402
from presslens.attribution.sourcing import (
    MODEL_PATH,
    AttributionModel,
    ChainPerceptron,
    base_features,
    cue_features,
    cue_labels,
    decode_bio,
    role_features,
    role_labels,
)


def load(folder: Path):
    """Paragraph sequences with gold spans, one entry per (text, annotation) pair."""
    out = []
    for txt, seq, gold in gold_paragraphs(folder):
        seq.feats = base_features(seq)
        out.append((txt.stem, seq, cue_labels(seq, gold["cue"]), role_labels(seq, gold["source"], gold["content"])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "polnear" / "train"))
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--prune", type=float, default=0.05, help="drop features whose averaged weights are all smaller")
    ap.add_argument("--second-pass", action="store_true",
                    help="add a second cue pass over stage-2 labels (+0.007 source F1 on dev, doubles the model)")
    ap.add_argument("--cue-bias", type=float, default=15.0,
                    help="added to the B-cue score: trades cue precision for recall (15 chosen on PolNeAR dev)")
    args = ap.parse_args()
    t0 = time.time()
    data = load(Path(args.data))
    print(f"{len(data)} paragraphs loaded in {time.time() - t0:.0f}s", flush=True)
    log = lambda m: print(m, flush=True)  # noqa: E731

    # Two-fold jackknife of the cue tagger: fold by article name, deterministic.
    names = sorted({d[0] for d in data})
    fold = {n: i % 2 for i, n in enumerate(names)}
    jack: dict[int, list] = {}
    for k in (0, 1):
        m = ChainPerceptron(["O", "B", "I"])
        m.train([(d[1].feats, d[2]) for d in data if fold[d[0]] != k], epochs=args.epochs, seed=args.seed, log=log)
        for idx, d in enumerate(data):
            if fold[d[0]] == k:
                jack[idx] = decode_bio(m.predict(d[1].feats))
        print(f"jackknife fold {k} done ({time.time() - t0:.0f}s)", flush=True)

    cue = ChainPerceptron(["O", "B", "I"])
    cue.train([(d[1].feats, d[2]) for d in data], epochs=args.epochs, seed=args.seed, min_count=2, log=log)
    cue.W[cue.index["b"], cue.labels.index("B")] += args.cue_bias
    print(f"cue tagger trained ({time.time() - t0:.0f}s)", flush=True)
    role = ChainPerceptron(["O", "B-S", "I-S", "B-C", "I-C"])
    role.train([(cue_features(d[1], d[1].feats, jack[i]), d[3]) for i, d in enumerate(data)],
               epochs=args.epochs, seed=args.seed, min_count=2, log=log)
    print(f"role tagger trained ({time.time() - t0:.0f}s)", flush=True)

    cue2 = None
    if args.second_pass:
        # Second cue pass on stage-2 labels, themselves jackknifed.
        role_jack: dict[int, list[str]] = {}
        for k in (0, 1):
            m = ChainPerceptron(["O", "B-S", "I-S", "B-C", "I-C"])
            m.train([(cue_features(d[1], d[1].feats, jack[i]), d[3]) for i, d in enumerate(data) if fold[d[0]] != k],
                    epochs=args.epochs, seed=args.seed, min_count=2, log=log)
            for i, d in enumerate(data):
                if fold[d[0]] == k:
                    role_jack[i] = m.predict(cue_features(d[1], d[1].feats, jack[i]))
            print(f"role jackknife fold {k} done ({time.time() - t0:.0f}s)", flush=True)
        cue2 = ChainPerceptron(["O", "B", "I"])
        cue2.train([(role_features(d[1], d[1].feats, role_jack[i]), d[2]) for i, d in enumerate(data)],
                   epochs=args.epochs, seed=args.seed, min_count=2, log=log)
        print(f"second cue pass trained ({time.time() - t0:.0f}s)", flush=True)
    meta = {
        "name": "polnear-attribution-1",
        "data": "PolNeAR train split (Newell, Margolin & Ruths 2018, LREC), BRAT standoff",
        "epochs": args.epochs, "seed": args.seed, "n_paragraphs": len(data), "second_pass": bool(args.second_pass), "cue_bias": args.cue_bias,
    }
    AttributionModel(cue, role, cue2, meta).save(args.out, min_abs=args.prune)
    print(f"saved {args.out} ({Path(args.out).stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
