"""Train the target-level tone model on the NewsMTSC train split.

    .venv/bin/python scripts/train_tone.py                  # cross-validate the grid, train, save
    .venv/bin/python scripts/train_tone.py --l2 10 --min-count 1 --balance 0   # one setting

Multinomial logistic regression with an L2 penalty, fitted by a small
L-BFGS written here (numpy only, deterministic: no random state at all).
Hyper-parameters are chosen by 5-fold cross-validation on train, folds
grouped by story (NewsMTSC's ids name the news story a sentence comes
from), so each fold is a train-internal dev split of unseen stories.
devtest is never read here: score it afterwards with
``presslens evaluate tone ../shared/data/newsmtsc/devtest_mt.jsonl``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from presslens.evaluate.tone import class_scores, read_newsmtsc  # noqa: E402
from presslens.framing.tone import LABELS, MODEL_PATH, ToneModel, featurize_many  # noqa: E402

DEFAULT_TRAIN = ROOT.parent / "shared" / "data" / "newsmtsc" / "train.jsonl"


class Csr:
    """A minimal CSR matrix: just the two products logistic regression needs."""

    def __init__(self, rows: list[list[tuple[int, float]]], n_cols: int) -> None:
        self.n_rows, self.n_cols = len(rows), n_cols
        self.indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        self.indptr[1:] = np.cumsum([len(r) for r in rows])
        self.indices = np.array([i for r in rows for i, _ in r], dtype=np.int64)
        self.data = np.array([v for r in rows for _, v in r], dtype=np.float64)
        self.row_of = np.repeat(np.arange(len(rows)), np.diff(self.indptr))

    def dot(self, W: np.ndarray) -> np.ndarray:
        out = np.zeros((self.n_rows, W.shape[1]))
        contrib = self.data[:, None] * W[self.indices]
        for k in range(W.shape[1]):
            out[:, k] = np.bincount(self.row_of, weights=contrib[:, k], minlength=self.n_rows)
        return out

    def tdot(self, G: np.ndarray) -> np.ndarray:
        out = np.zeros((self.n_cols, G.shape[1]))
        for k in range(G.shape[1]):
            out[:, k] = np.bincount(self.indices, weights=self.data * G[self.row_of, k], minlength=self.n_cols)
        return out


def loss_grad(w: np.ndarray, X: Csr, Y: np.ndarray, l2: np.ndarray, n_cls: int,
              sw: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Weighted mean cross-entropy + L2 (not on the bias, feature 0), and its gradient.

    ``sw`` are per-example weights (mean 1), e.g. inverse class frequencies.
    """
    W = w.reshape(X.n_cols, n_cls)
    Z = X.dot(W)
    Z -= Z.max(axis=1, keepdims=True)
    logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    n = X.n_rows
    sw = np.ones(n) if sw is None else sw
    loss = -(sw[:, None] * logp * Y).sum() / n + 0.5 * float((l2[:, None] * W * W).sum())
    G = sw[:, None] * (np.exp(logp) - Y) / n
    grad = X.tdot(G) + l2[:, None] * W
    return loss, grad.ravel()


def lbfgs(fun, x0: np.ndarray, max_iter: int = 300, m: int = 10, tol: float = 1e-6) -> np.ndarray:
    """Plain L-BFGS with a backtracking Armijo line search."""
    x = x0.copy()
    f, g = fun(x)
    S: list[np.ndarray] = []
    Yv: list[np.ndarray] = []
    for it in range(max_iter):
        q = g.copy()
        alphas = []
        for s, y in zip(reversed(S), reversed(Yv)):
            a = s @ q / (y @ s)
            alphas.append(a)
            q -= a * y
        if S:
            q *= (S[-1] @ Yv[-1]) / (Yv[-1] @ Yv[-1])
        for (s, y), a in zip(zip(S, Yv), reversed(alphas)):
            b = y @ q / (y @ s)
            q += s * (a - b)
        d = -q
        gd = g @ d
        if gd >= 0:  # not a descent direction: restart from the gradient
            S.clear(), Yv.clear()
            d, gd = -g, -(g @ g)
        step = 1.0 if S else 1.0 / max(1.0, np.linalg.norm(g))
        while True:
            xn = x + step * d
            fn, gn = fun(xn)
            if fn <= f + 1e-4 * step * gd or step < 1e-10:
                break
            step *= 0.5
        s, y = xn - x, gn - g
        if s @ y > 1e-12:
            S.append(s), Yv.append(y)
            if len(S) > m:
                S.pop(0), Yv.pop(0)
        done = abs(f - fn) <= tol * max(1.0, abs(f))
        x, f, g = xn, fn, gn
        if done:
            break
    return x


def build_vocab(feats: list[dict[str, float]], min_count: int) -> list[str]:
    counts = Counter(k for f in feats for k in f)
    names = sorted(k for k, c in counts.items() if c >= min_count and k != "bias")
    return ["bias"] + names


def to_csr(feats: list[dict[str, float]], vocab: list[str]) -> Csr:
    index = {k: i for i, k in enumerate(vocab)}
    rows = [sorted((index[k], v) for k, v in f.items() if k in index) for f in feats]
    return Csr(rows, len(vocab))


def class_weights(y: np.ndarray, power: float) -> np.ndarray:
    """Per-example weights (mean 1): inverse class frequency to ``power`` (0 = unweighted, 1 = balanced).

    Macro-F1 counts the rare positive class as much as the common neutral one;
    weighting the loss the same way keeps the model from neglecting it.
    """
    counts = np.bincount(y, minlength=len(LABELS)).astype(float)
    w = (counts.sum() / (len(LABELS) * np.maximum(counts, 1))) ** power
    sw = w[y]
    return sw / sw.mean()


def fit(feats: list[dict[str, float]], y: np.ndarray, l2: float, min_count: int,
        max_iter: int = 300, balance: float = 0.0) -> ToneModel:
    vocab = build_vocab(feats, min_count)
    X = to_csr(feats, vocab)
    Y = np.eye(len(LABELS))[y]
    reg = np.full(len(vocab), l2 / len(feats))
    reg[0] = 0.0
    sw = class_weights(y, balance)
    w = lbfgs(lambda w: loss_grad(w, X, Y, reg, len(LABELS), sw), np.zeros(len(vocab) * len(LABELS)),
              max_iter=max_iter)
    W = w.reshape(len(vocab), len(LABELS))
    # row 0 is the unpenalised bias feature; the model keeps it apart
    return ToneModel(vocab[1:], W[1:], W[0], {})


def cross_validate(feats, y, groups, l2: float, min_count: int, folds: int = 5,
                   balance: float = 0.0) -> tuple[float, np.ndarray]:
    pred = np.zeros(len(y), dtype=np.int64)
    fold_of = groups % folds
    for k in range(folds):
        tr = np.flatnonzero(fold_of != k)
        te = np.flatnonzero(fold_of == k)
        m = fit([feats[i] for i in tr], y[tr], l2, min_count, balance=balance)
        P = m.predict_proba_features([feats[i] for i in te])
        pred[te] = P.argmax(axis=1)
    gold = [LABELS[i] for i in y]
    return class_scores([LABELS[i] for i in pred], gold)["macro_f1"], pred


def story_groups(path: str | Path) -> np.ndarray:
    """The NewsMTSC story of every target (``allsides_ARTICLE_STORY_...`` ids), for grouped folds.

    Sentences of one story (one event, reported by several outlets) share
    wording and targets; keeping each story inside one fold makes the
    cross-validation figure an estimate for *new* stories.
    """
    import json

    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                parts = str(rec.get("primary_gid", "")).split("_")
                story = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else len(out)
                out.extend([story] * len(rec["targets"]))
    return np.array(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=str(DEFAULT_TRAIN))
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--l2", type=float, nargs="*", default=[5.0, 10.0, 20.0])
    ap.add_argument("--min-count", type=int, nargs="*", default=[1])
    ap.add_argument("--balance", type=float, nargs="*", default=[0.0],
                    help="class weighting: inverse class frequency to this power (0 none, 1 balanced)")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)

    t0 = time.time()
    data = read_newsmtsc(args.train)
    feats = featurize_many([(t, s, e, None) for t, s, e, _, _ in data])
    y = np.array([LABELS.index(g) for *_, g, _ in data])
    groups = story_groups(args.train)
    if len(groups) != len(data):
        raise SystemExit(f"{args.train}: {len(groups)} story ids for {len(data)} targets")
    print(f"{len(data)} targets in {len(set(groups))} stories, features in {time.time() - t0:.1f}s", flush=True)

    grid = [(l2, mc, b) for mc in args.min_count for l2 in args.l2 for b in args.balance]
    results = []
    for l2, mc, b in grid:
        t1 = time.time()
        f1, _ = cross_validate(feats, y, groups, l2, mc, balance=b)
        results.append((f1, l2, mc, b))
        print(f"cv l2={l2:g} min_count={mc} balance={b:g}: macro-F1 {f1:.4f} ({time.time() - t1:.0f}s)", flush=True)
    best_f1, l2, mc, b = max(results, key=lambda r: (r[0], r[1], -r[3]))
    print(f"best: l2={l2:g} min_count={mc} balance={b:g} cv macro-F1 {best_f1:.4f}")

    model = fit(feats, y, l2, mc, balance=b)
    model.meta = {"data": "NewsMTSC train.jsonl (Hamborg & Donnay 2021)", "n_train": len(data),
                  "l2": l2, "min_count": mc, "balance": b, "cv_folds": 5, "cv_grouped_by": "story",
                  "cv_macro_f1": round(best_f1, 4), "n_features": len(model.features),
                  "features": "target-relative words, VADER valences, dependency role and verb (presslens parser)"}
    if not args.no_save:
        model.save(args.out)
        saved = ToneModel.load(args.out)
        print(f"saved {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB, version {saved.version}, "
              f"{len(saved.features)} features)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
