#!/usr/bin/env python3
"""Train presslens's dependency parser on UD English EWT.

Default: tag EWT train with the shipped tagger, train the arc-eager parser
with the dynamic oracle for 12 epochs (reporting dev UAS/LAS after each),
write the shipped model file, then report dev and test with the written file:

    .venv/bin/python scripts/train_parser.py

Options: ``--epochs``, ``--oracle static`` (faster, about 1.3 LAS points
lower), ``--min-count`` (feature pruning), ``--scale`` (weights are stored
as integers: round(weight * scale)), ``--dev-every 0`` (no per-epoch dev
scores), ``--out``. EWT is looked for in ``$PRESSLENS_EWT_DIR`` or
``../shared/data/ud-english-ewt``. Deterministic: the same files, tagger,
options and seed give a byte-identical model file. Needs only numpy besides
the standard library.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from presslens.syntax import parser as P  # noqa: E402
from presslens.syntax.tagger import default_tagger  # noqa: E402


def ewt_dir() -> Path:
    env = os.environ.get("PRESSLENS_EWT_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "ud-english-ewt"


def tagged_trees(path: Path) -> list[tuple[list[str], list[str], list[int], list[str]]]:
    """Trees with the XPOS column replaced by the shipped tagger's tags."""
    trees = P.read_conllu_trees(path)
    tags = default_tagger().tag_sents([w for w, *_ in trees])
    return [(w, t, h, r) for (w, _, h, r), t in zip(trees, tags)]


def collect_states(trees, labels: list[str]):
    """Features, gold class and validity pattern of every static-oracle state."""
    lix = {lab: k for k, lab in enumerate(labels)}
    nl = len(labels)
    mask_keys = list(P._masks(labels))
    mkix = {k: i for i, k in enumerate(mask_keys)}
    fid: dict[str, int] = {}
    counts: list[int] = []
    flat: list[int] = []
    offsets = [0]
    gold: list[int] = []
    keys: list[int] = []
    for words, tags, heads, rels in trees:
        pw, pt = P._padded(words, tags)
        st = P._State(len(words))
        for move, label in P.oracle(heads, rels):
            for f in P.features(st, pw, pt):
                j = fid.get(f)
                if j is None:
                    j = fid[f] = len(counts)
                    counts.append(0)
                counts[j] += 1
                flat.append(j)
            offsets.append(len(flat))
            keys.append(mkix[st.valid()])
            gold.append(move if move < 2 else (2 + lix[label] if move == 2 else 2 + nl + lix[label]))
            st.apply(move, label)
        assert [(h, r) for h, r in zip(heads, rels)] == [(st.heads[k], st.labels[k]) for k in range(1, len(words) + 1)]
    masks = np.stack([P._masks(labels)[k] for k in mask_keys])
    return fid, np.array(counts), np.array(flat, dtype=np.int64), np.array(offsets, dtype=np.int64), \
        np.array(gold, dtype=np.int64), np.array(keys, dtype=np.int64), masks


def move_costs(st, gh: list[int], gkids: list[list[int]]) -> tuple[int, int, int, int]:
    """Unlabelled dynamic-oracle costs of SHIFT, REDUCE, LEFT, RIGHT (Goldberg & Nivre 2012, arc-eager).

    The cost of a transition is the number of gold arcs it makes unreachable;
    arcs already lost are not counted again. ``gh`` holds gold heads by token
    (1-based), ``gkids`` gold children.
    """
    stack, b, heads = st.stack, st.i, st.heads
    s0 = stack[-1]
    hb = gh[b]
    # SHIFT: b loses heads and headless children in the stack.
    shift = right = 0
    for k in stack:
        if k and gh[k] == b and heads[k] == -1:
            shift += 1
            right += 1
        elif k == hb:
            shift += 1
            right += k != s0
    right += hb > b  # RIGHT also loses a head further right
    kids = sum(1 for k in gkids[s0] if k >= b)  # REDUCE and LEFT lose s0's children in the buffer
    return shift, kids, kids + (gh[s0] > b), right


def train_dynamic(trees, labels, names, masks_by_key, epochs, seed, explore_from, explore_p, dev, meta, scale):
    """Averaged perceptron with the dynamic oracle and error exploration."""
    fix = P._Index({f: k for k, f in enumerate(names)})
    K = len(names)
    fix.zero = K
    nl = len(labels)
    lix = {lab: k for k, lab in enumerate(labels)}
    C = 2 + 2 * nl
    mask_keys = list(masks_by_key)
    mkix = {k: i for i, k in enumerate(mask_keys)}
    masks = np.stack([masks_by_key[k] for k in mask_keys])
    W = np.zeros((K + 1, C), dtype=np.float32)
    U = np.zeros((K + 1, C), dtype=np.float64)
    rng = np.random.default_rng(seed)
    c = 1
    prepared = []
    for words, tags, heads, rels in trees:
        n = len(words)
        gkids: list[list[int]] = [[] for _ in range(n + 2)]
        for d, h in enumerate(heads, 1):
            gkids[h].append(d)
        prepared.append((P._padded(words, tags), [-1, *heads, -1], [P._NULL, *rels, P._NULL], gkids, n))
    INF = 10**9
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        errors = states = 0
        explore = epoch >= explore_from
        for si in rng.permutation(len(prepared)).tolist():
            (pw, pt), gh, gl, gkids, n = prepared[si]
            st = P._State(n)
            while st.i <= n:
                ids = np.fromiter(map(fix.__getitem__, P.features(st, pw, pt)), dtype=np.intp)
                key = st.valid()
                scores = W[ids].sum(axis=0) + masks[mkix[key]]
                p = int(scores.argmax())
                can_shift, can_reduce, can_left, right_mode = key
                cs, cr, cl, cri = move_costs(st, gh, gkids)
                s0, b = st.stack[-1], st.i
                left_label = lix[gl[s0]] if gh[s0] == b else -1  # the one label not costing one more
                right_label = lix[gl[b]] if gh[b] == s0 else -1
                # classes of least cost among the valid ones
                options: list[tuple[int, list[int]]] = []
                if can_shift:
                    options.append((cs, [0]))
                if can_reduce:
                    options.append((cr, [1]))
                if can_left:
                    options.append((cl, [2 + left_label]) if left_label >= 0 else (cl, [-2]))
                if right_mode:
                    options.append((cri, [2 + nl + right_label]) if right_label >= 0 else (cri, [-3]))
                best = min(cost for cost, _ in options)
                if p < 2:
                    cost_p = cs if p == 0 else cr
                elif p < 2 + nl:
                    cost_p = cl + (left_label >= 0 and p != 2 + left_label)
                else:
                    cost_p = cri + (right_label >= 0 and p != 2 + nl + right_label)
                if cost_p > best:
                    errors += 1
                    cands: list[int] = []
                    for cost, cls in options:
                        if cost == best:
                            if cls[0] == -2:
                                cands.extend(range(2, 2 + nl))
                            elif cls[0] == -3:
                                cands.extend(range(2 + nl, 2 + 2 * nl))
                            else:
                                cands.extend(cls)
                    cands_a = np.array(cands)
                    g = int(cands_a[scores[cands_a].argmax()])
                    W[ids, g] += 1
                    W[ids, p] -= 1
                    U[ids, g] += c
                    U[ids, p] -= c
                    W[K] = 0
                    U[K] = 0
                    follow = p if explore and rng.random() < explore_p else g
                else:
                    follow = p
                c += 1
                states += 1
                if follow < 2:
                    st.apply(follow, None)
                elif follow < 2 + nl:
                    st.apply(2, labels[follow - 2])
                else:
                    st.apply(3, labels[follow - 2 - nl])
        msg = f"epoch {epoch}: {errors / states:.4f} state errors, {time.perf_counter() - t0:.0f} s"
        if dev:
            avg = W[:K] - U[:K] / c
            r = evaluate(build_model(names, avg, labels, scale, meta), dev)
            msg += f"; dev UAS {r['uas']:.4f} LAS {r['las']:.4f}"
        print(msg, flush=True)
    return W[:K] - U[:K] / c


def build_model(names: list[str], avg: np.ndarray, labels: list[str], scale: float, meta: dict) -> P.DependencyParser:
    """A parser from averaged weights, rounded to integers and without all-zero features."""
    q = np.rint(avg * scale).astype(np.int64)
    keep = np.flatnonzero(np.abs(q).max(axis=1) > 0)  # features with any non-zero weight
    q = q[keep]
    f, c = np.nonzero(q)  # by feature, then class: the sparse form the model file stores
    return P.DependencyParser(labels, [names[int(k)] for k in keep], np.bincount(f, minlength=len(keep)), c,
                              q[f, c], scale=scale, name=P.MODEL_NAME, meta=meta)


def evaluate(parser: P.DependencyParser, trees) -> dict:
    pred = parser.parse_sents([w for w, *_ in trees], [t for _, t, _, _ in trees])
    gold = [list(zip(h, r)) for _, _, h, r in trees]
    return P.attachment_scores(gold, pred)


def main(argv: list[str] | None = None) -> int:
    data = ewt_dir()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, nargs="+", default=[data / "en_ewt-ud-train.conllu"],
                    help="training treebank(s); the shipped model: train and dev, epochs chosen on dev first")
    ap.add_argument("--dev", type=Path, default=data / "en_ewt-ud-dev.conllu")
    ap.add_argument("--test", type=Path, default=data / "en_ewt-ud-test.conllu")
    ap.add_argument("--out", type=Path, default=P.MODEL_PATH)
    ap.add_argument("--epochs", type=int, default=12, help="perceptron epochs (default: 12, chosen on dev)")
    ap.add_argument("--min-count", type=int, default=2, help="drop features seen fewer times in training states")
    ap.add_argument("--scale", type=float, default=4.0, help="weights stored as round(weight * scale)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--oracle", choices=["static", "dynamic"], default="dynamic",
                    help="dynamic: Goldberg & Nivre (2012) oracle with error exploration (default)")
    ap.add_argument("--explore-from", type=int, default=2, help="dynamic oracle: first epoch that follows mistakes")
    ap.add_argument("--explore-p", type=float, default=0.9, help="dynamic oracle: chance of following a mistake")
    ap.add_argument("--dev-every", type=int, default=1, help="report dev scores every N epochs (0: never)")
    args = ap.parse_args(argv)
    for p in (*args.train, args.dev, args.test):
        if not p.is_file():
            ap.error(f"no such file: {p} (set PRESSLENS_EWT_DIR?)")

    t_start = time.perf_counter()
    trees = [t for path in args.train for t in tagged_trees(path)]
    proj = [t for t in trees if P.is_projective(t[2]) and sum(h == 0 for h in t[2]) == 1]
    dev = tagged_trees(args.dev)
    print(f"train {', '.join(p.name for p in args.train)}: {len(trees)} sentences, {len(proj)} projective with one root used; "
          f"dev {len(dev)} sentences", flush=True)
    labels = sorted({r for t in proj for r in t[3]})
    fid, counts, flat, off, gold, keys, masks = collect_states(proj, labels)
    names_all = list(fid)
    del fid
    print(f"{len(gold)} states, {len(names_all)} features; {time.perf_counter() - t_start:.0f} s", flush=True)

    keep = np.flatnonzero(counts >= args.min_count)
    remap = np.full(len(counts), len(keep), dtype=np.int64)  # row len(keep) is the zero row
    remap[keep] = np.arange(len(keep))
    flat = remap[flat]
    names = [names_all[int(k)] for k in keep]
    del names_all
    C = masks.shape[1]
    K = len(names)
    print(f"{K} features seen >= {args.min_count} times, {C} classes", flush=True)
    meta = {"train": "+".join(p.name for p in args.train), "epochs": args.epochs, "min_count": args.min_count, "seed": args.seed,
            "scale": args.scale, "tags": "presslens default tagger", "states": int(len(gold)), "oracle": args.oracle}
    if args.oracle == "dynamic":
        meta.update(explore_from=args.explore_from, explore_p=args.explore_p)
        del flat, off, gold, keys
        avg = train_dynamic(proj, labels, names, P._masks(labels), args.epochs, args.seed, args.explore_from,
                            args.explore_p, dev if args.dev_every else None, meta, args.scale)
    W = np.zeros((K + 1, C), dtype=np.float32)
    U = np.zeros((K + 1, C), dtype=np.float64)
    rng = np.random.default_rng(args.seed)
    c = 1
    for epoch in range(1, (args.epochs if args.oracle == "static" else 0) + 1):
        t0 = time.perf_counter()
        errors = 0
        for k in rng.permutation(len(gold)).tolist():
            ids = flat[off[k] : off[k + 1]]
            p = int((W[ids].sum(axis=0) + masks[keys[k]]).argmax())
            g = int(gold[k])
            if p != g:
                errors += 1
                W[ids, g] += 1
                W[ids, p] -= 1
                U[ids, g] += c
                U[ids, p] -= c
            c += 1
        W[K] = 0
        msg = f"epoch {epoch}: {errors / len(gold):.4f} state errors, {time.perf_counter() - t0:.0f} s"
        if args.dev_every and (epoch % args.dev_every == 0 or epoch == args.epochs):
            avg = W[:K] - U[:K] / c
            r = evaluate(build_model(names, avg, labels, args.scale, meta), dev)
            msg += f"; dev UAS {r['uas']:.4f} LAS {r['las']:.4f}"
        print(msg, flush=True)
    if args.oracle == "static":
        avg = W[:K] - U[:K] / c
    train_s = time.perf_counter() - t_start
    # No timings in the file: the same data and options give the same bytes.
    parser = build_model(names, avg, labels, args.scale, meta)
    parser.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {parser.n_features} features, "
          f"{parser.n_weights} weights) {parser.version}; total {train_s:.0f} s", flush=True)
    loaded = P.DependencyParser.load(args.out)
    for name, path in (("dev", args.dev), ("test", args.test)):
        r = evaluate(loaded, tagged_trees(path))
        print(f"{name} ({path.name}, predicted tags): UAS {r['uas']:.4f} LAS {r['las']:.4f} ({r['tokens']} tokens)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
