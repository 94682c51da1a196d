"""Train the joint cue/source/content QRNN shipped as ``lib/presslens/resources/models/attribution_rnn.bin.gz``.

Data: the train split of PolNeAR (Newell, Margolin & Ruths 2018, "An
Attribution Relations Corpus for Political News", LREC 2018), BRAT layout
under ``../shared/data/polnear/train``. Only weights are shipped, never text.

Two steps, because PyTorch is needed for training only (the package runs the
model with numpy, see :mod:`presslens.attribution.rnn`):

    # 1. with the project's venv: tokens, tags and gold labels as arrays
    .venv/bin/python scripts/train_attribution_rnn.py prepare --out build/attr_train.npz
    # 2. with any Python that has torch 2.13.0 and numpy (e.g. a separate venv)
    python scripts/train_attribution_rnn.py train --data build/attr_train.npz \\
        --out lib/presslens/resources/models/attribution_rnn.bin.gz

Step 2 imports nothing from presslens. It is deterministic: fixed seeds,
one thread, deterministic algorithms, sorted input; the same data give the
same weights on the same machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LABELS = ("O", "B-Q", "I-Q", "B-S", "I-S", "B-C", "I-C")
COLUMNS = ("word", "suffix", "shape", "tag", "quote", "flags")


# ---------------------------------------------------------------------------
# 1. prepare (project venv)
# ---------------------------------------------------------------------------

def prepare(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "lib"))
    from presslens.attribution.rnn import PAD, UNK, encode, token_strings
    from presslens.attribution.labels import joint_labels
    from presslens.evaluate.attribution import gold_paragraphs

    t0 = time.time()
    texts = set()
    items = []  # (seq, labels)
    for txt, seq, gold in gold_paragraphs(args.data):
        texts.add(txt)
        items.append((seq, joint_labels(seq, gold["cue"], gold["source"], gold["content"])))
    print(f"{len(items)} paragraphs from {len(texts)} texts in {time.time() - t0:.0f}s", flush=True)
    counts: list[dict[str, int]] = [{} for _ in COLUMNS[:5]]
    for seq, _ in items:
        for row in token_strings(seq):
            for k, s in enumerate(row):
                counts[k][s] = counts[k].get(s, 0) + 1
    vocab = {}
    for k, col in enumerate(COLUMNS[:5]):
        keep = sorted(s for s, c in counts[k].items() if c >= (args.min_count if col in ("word", "suffix") else 1))
        vocab[col] = {s: i + 2 for i, s in enumerate(keep)}  # 0 pad, 1 unknown
    assert PAD == 0 and UNK == 1
    lab = {y: i for i, y in enumerate(LABELS)}
    X = np.concatenate([encode(seq, vocab) for seq, _ in items])
    Y = np.asarray([lab[y] for _, ys in items for y in ys], dtype=np.int64)
    lengths = np.asarray([len(ys) for _, ys in items], dtype=np.int64)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, X=X, Y=Y, lengths=lengths,
                        vocab=np.frombuffer(json.dumps(vocab, sort_keys=True).encode("utf-8"), dtype=np.uint8))
    print(f"{len(Y)} tokens, vocab sizes {[len(vocab[c]) for c in COLUMNS[:5]]} -> {args.out}", flush=True)


def _log_normalise(z: np.ndarray) -> np.ndarray:
    """Rows of scores as log-probabilities (an average of log-probabilities no longer sums to one)."""
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def teacher(args: argparse.Namespace) -> None:
    """Per-token log-probabilities of the shipped ensemble on the prepared data (project venv, numpy only).

    The ensemble is the teacher a smaller single model is distilled from
    (``train --teacher``): averaged per-token log-probabilities, renormalised.
    """
    sys.path.insert(0, str(ROOT / "lib"))
    from presslens.attribution.labels import LABELS as RT_LABELS
    from presslens.attribution.rnn import RnnEnsemble, _forward

    z = np.load(args.data)
    X, lengths = z["X"], z["lengths"]
    vocab = json.loads(bytes(z["vocab"]).decode("utf-8"))
    ens = RnnEnsemble.load(args.models)
    if any(m.vocab != vocab for m in ens.members):
        sys.exit("the teacher models were trained with another vocabulary than this data's")
    offs = np.concatenate([[0], np.cumsum(lengths)])
    out = np.zeros((len(X), len(RT_LABELS)), dtype=np.float32)
    for a in range(0, len(lengths), 256):
        b = min(a + 256, len(lengths))
        seqs = [X[offs[i]:offs[i + 1]] for i in range(a, b)]
        _, Z = _forward(ens.members, [seqs] * len(ens.members))
        out[offs[a]:offs[b]] = _log_normalise(np.mean(Z, axis=0))
    if args.mix:
        other = np.load(args.mix)["logp"]
        if other.shape != out.shape:
            sys.exit(f"{args.mix}: {other.shape[0]} tokens, the prepared data {out.shape[0]}")
        out = _log_normalise((out + other) / 2).astype(np.float32)
    np.savez_compressed(args.out, logp=out)
    print(f"teacher log-probabilities of {len(out)} tokens -> {args.out}", flush=True)


def cue_words(args: argparse.Namespace) -> None:
    """``lexicons/polnear_cue_words.txt``: stems of every token of every train cue (project venv)."""
    sys.path.insert(0, str(ROOT / "lib"))
    from presslens.evaluate.attribution import brat_pairs, read_brat
    from presslens.syntax.morphology import suffix_stem as _stem
    from presslens.syntax.segment import default_segmenter

    seg = default_segmenter()
    words: set[str] = set()
    for txt, ann in brat_pairs(args.data):
        text = txt.read_text(encoding="utf-8")
        for s, e in read_brat(ann, text)["cue"]:
            words.update(_stem(form.lower()) for _, _, form in seg.token_spans(text, s, e))
    out = Path(args.out)
    head = [ln for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("#")] if out.exists() else []
    out.write_text("\n".join(head + sorted(w for w in words if w.strip() and not w.startswith("#"))) + "\n",
                   encoding="utf-8")
    print(f"{len(words)} cue words -> {out}", flush=True)


# ---------------------------------------------------------------------------
# 2. train (torch)
# ---------------------------------------------------------------------------

EMB = {"word": 64, "suffix": 16, "shape": 8, "tag": 16, "quote": 4, "flags": 4}  # defaults; --emb-word overrides


def build_net(sizes: dict[str, int], hidden: int, layers: int, dropout: float, dims: dict[str, int] | None = None):
    """The PyTorch network (embeddings, bidirectional QRNN layers, output layer)."""
    dims = dims or EMB
    import torch
    from torch import nn

    class QRNN(nn.Module):
        """One bidirectional QRNN layer: filter width 2, fo-pooling."""

        def __init__(self, d: int, h: int, width: int) -> None:
            super().__init__()
            self.h = h
            self.width = width
            self.f = nn.Linear(width * d, 3 * h)
            self.b = nn.Linear(width * d, 3 * h)

        def direction(self, lin: nn.Module, x: torch.Tensor, mask: torch.Tensor, reverse: bool) -> torch.Tensor:
            B, T, D = x.shape
            if self.width == 2:
                pad = x.new_zeros(B, 1, D)
                xn = torch.cat([x[:, 1:], pad], 1) if reverse else torch.cat([pad, x[:, :-1]], 1)
                x = torch.cat([x, xn], 2)
            g = lin(x)
            z, f, o = g.chunk(3, 2)
            m = mask[:, :, None]
            f = torch.sigmoid(f)
            a = torch.where(m, (1 - f) * torch.tanh(z), torch.zeros_like(z))
            f = torch.where(m, f, torch.ones_like(f))  # padding leaves the state alone
            c = x.new_zeros(B, self.h)
            outs: list = [None] * T
            for t in (range(T - 1, -1, -1) if reverse else range(T)):
                c = f[:, t] * c + a[:, t]
                outs[t] = c
            return torch.sigmoid(o) * torch.stack(outs, 1)

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            x = x * mask[:, :, None]
            return torch.cat([self.direction(self.f, x, mask, False), self.direction(self.b, x, mask, True)], 2)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.ModuleList([nn.Embedding(sizes[c], dims[c]) for c in COLUMNS])
            d = sum(dims.values())
            # Filter width 2 on the embeddings, 1 above (the layer below already saw the neighbours).
            self.rnn = nn.ModuleList([QRNN(d if k == 0 else 2 * hidden, hidden, 2 if k == 0 else 1)
                                      for k in range(layers)])
            self.drop = nn.Dropout(dropout)
            self.out = nn.Linear(2 * hidden, len(LABELS))

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            h = torch.cat([m(x[:, :, k]) for k, m in enumerate(self.emb)], dim=2)
            for layer in self.rnn:
                h = layer(self.drop(h), mask)
            return self.out(self.drop(h))

    return Net()


def CRF(torch, nn):
    """A linear-chain CRF output layer under the runtime's BIO constraints."""
    allowed = torch.from_numpy(_runtime().allowed_transitions())

    class _CRF(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.T = nn.Parameter(torch.zeros(len(LABELS) + 1, len(LABELS)))

        def scores(self) -> torch.Tensor:
            return torch.where(allowed, self.T, torch.full_like(self.T, -1e4))

        def nll(self, E: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """Mean negative log-likelihood per token of gold paths ``y`` (B, T)."""
            S = self.scores()
            trans, start = S[:-1], S[-1]
            B, T, L = E.shape
            gold = start[y[:, 0]] + E[:, 0].gather(1, y[:, :1]).squeeze(1)
            alpha = start[None, :] + E[:, 0]
            for t in range(1, T):
                m = mask[:, t]
                step = E[:, t].gather(1, y[:, t:t + 1]).squeeze(1) + trans[y[:, t - 1], y[:, t]]
                gold = gold + torch.where(m, step, torch.zeros_like(step))
                nxt = torch.logsumexp(alpha[:, :, None] + trans[None], dim=1) + E[:, t]
                alpha = torch.where(m[:, None], nxt, alpha)
            logz = torch.logsumexp(alpha, dim=1)
            return (logz - gold).sum() / mask.sum()

        def table(self) -> list:
            return [[round(float(v), 4) for v in row] for row in self.T.detach().numpy()]

    return _CRF()


def train(args: argparse.Namespace) -> None:
    import torch
    from torch import nn

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(args.seed)

    z = np.load(args.data)
    X, Y, lengths = z["X"], z["Y"], z["lengths"]
    # Distillation: the teacher's per-token log-probabilities (``teacher``
    # step), aligned with X; the loss mixes them with the gold labels.
    T_lp = np.load(args.teacher)["logp"] if args.teacher else None
    if T_lp is not None and len(T_lp) != len(Y):
        sys.exit(f"{args.teacher}: {len(T_lp)} tokens, the data has {len(Y)}")
    vocab = json.loads(bytes(z["vocab"]).decode("utf-8"))
    offs = np.concatenate([[0], np.cumsum(lengths)])
    seqs = [(X[offs[i]:offs[i + 1]], Y[offs[i]:offs[i + 1]]) for i in range(len(lengths))]
    soft = [T_lp[offs[i]:offs[i + 1]] for i in range(len(lengths))] if T_lp is not None else None
    sizes = {c: len(vocab[c]) + 2 for c in COLUMNS[:5]}
    sizes["flags"] = 4

    dims = dict(EMB, word=args.emb_word)
    net = build_net(sizes, args.hidden, args.layers, args.dropout, dims)
    crf = CRF(torch, nn) if args.crf else None
    params = list(net.parameters()) + (list(crf.parameters()) if crf is not None else [])
    opt = torch.optim.Adam(params, lr=args.lr)
    lossf = nn.CrossEntropyLoss(ignore_index=-1)
    # Batches of similar lengths: sort by length, cut, shuffle the batches.
    order = sorted(range(len(seqs)), key=lambda i: (len(seqs[i][1]), i))
    batches = [order[k:k + args.batch] for k in range(0, len(order), args.batch)]
    t0 = time.time()
    total_steps = args.epochs * len(batches)
    step = 0
    for epoch in range(args.epochs):
        net.train()
        perm = rng.permutation(len(batches))
        tot = 0.0
        for bi in perm:
            b = batches[bi]
            T = max(len(seqs[i][1]) for i in b)
            xb = np.zeros((len(b), T, len(COLUMNS)), dtype=np.int64)
            yb = np.full((len(b), T), -1, dtype=np.int64)
            for r, i in enumerate(b):
                x, y = seqs[i]
                xb[r, :len(y)] = x
                yb[r, :len(y)] = y
            # Word dropout: unknown-word practice for the embedding of UNK.
            drop = (rng.random(xb.shape[:2]) < args.word_dropout) & (xb[:, :, 0] > 1)
            xb[:, :, 0][drop] = 1
            mask = torch.from_numpy(yb >= 0)
            logits = net(torch.from_numpy(xb), mask)
            if crf is not None:
                loss = crf.nll(logits, torch.from_numpy(np.maximum(yb, 0)), mask)
            else:
                loss = lossf(logits.reshape(-1, len(LABELS)), torch.from_numpy(yb).reshape(-1))
            if soft is not None:
                tb = np.zeros((len(b), T, len(LABELS)), dtype=np.float32)
                for r, i in enumerate(b):
                    tb[r, :len(soft[i])] = soft[i]
                t_lp = torch.from_numpy(tb)[mask]
                s_lp = torch.log_softmax(logits[mask], dim=-1)
                kl = (t_lp.exp() * (t_lp - s_lp)).sum(dim=-1).mean()
                loss = (1.0 - args.kd_weight) * loss + args.kd_weight * kl
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 5.0)
            # Linear decay of the learning rate to 10% over training.
            for gr in opt.param_groups:
                gr["lr"] = args.lr * (1.0 - 0.9 * step / total_steps)
            opt.step()
            step += 1
            tot += float(loss.detach()) * len(b)
            if step % 100 == 0:
                print(f"  step {step}/{total_steps} ({time.time() - t0:.0f}s)", flush=True)
        print(f"epoch {epoch + 1}: loss {tot / len(seqs):.4f} ({time.time() - t0:.0f}s)", flush=True)
        if args.checkpoints:
            _export(net, vocab, args, Path(args.out).with_suffix(f".e{epoch + 1}.gz"), epoch + 1, crf)
    _export(net, vocab, args, Path(args.out), args.epochs, crf)


def _export(net, vocab: dict, args: argparse.Namespace, path: Path, epochs: int, crf=None) -> None:
    """Write the weights in :class:`presslens.attribution.rnn.RnnTagger`'s format."""
    w: dict[str, np.ndarray] = {}
    for k, c in enumerate(COLUMNS):
        w["emb_" + c] = net.emb[k].weight.detach().numpy().copy()
    for k, layer in enumerate(net.rnn):
        for d, lin in (("f", layer.f), ("b", layer.b)):
            w[f"l{k}_{d}_w"] = lin.weight.detach().numpy()
            w[f"l{k}_{d}_b"] = lin.bias.detach().numpy()
    w["out_w"] = net.out.weight.detach().numpy()
    w["out_b"] = net.out.bias.detach().numpy()
    meta = {"name": "polnear-attribution-qrnn-1", "cell": "qrnn", "layers": args.layers, "hidden": args.hidden,
            "epochs": epochs, "seed": args.seed, "lr": args.lr, "dropout": args.dropout,
            "word_dropout": args.word_dropout, "batch": args.batch, "emb": dict(EMB, word=args.emb_word),
            "data": "PolNeAR train split (Newell, Margolin & Ruths 2018, LREC), BRAT standoff"}
    if args.teacher:
        meta["distilled_from"] = {"teacher": Path(args.teacher).name, "kd_weight": args.kd_weight}
    if crf is not None:
        meta["crf"] = True
        meta["transitions"] = crf.table()
    _runtime().RnnTagger(vocab, w, meta).save(path)
    print(f"saved {path} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)


def _runtime():
    """presslens.attribution.rnn from this checkout (the project's venv, with torch added for training)."""
    sys.path.insert(0, str(ROOT / "lib"))
    from presslens.attribution import rnn

    return rnn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "polnear" / "train"))
    p.add_argument("--out", default=str(ROOT / "build" / "attr_train.npz"))
    p.add_argument("--min-count", type=int, default=2, help="words and suffixes seen fewer times are unknown")
    t = sub.add_parser("train")
    t.add_argument("--data", default=str(ROOT / "build" / "attr_train.npz"))
    t.add_argument("--out", default=str(ROOT / "lib" / "presslens" / "resources" / "models" / "attribution_rnn.bin.gz"))
    t.add_argument("--epochs", type=int, default=12)
    t.add_argument("--hidden", type=int, default=128)
    t.add_argument("--layers", type=int, default=2)
    t.add_argument("--emb-word", type=int, default=100)
    t.add_argument("--batch", type=int, default=64)
    t.add_argument("--lr", type=float, default=3e-3)
    t.add_argument("--dropout", type=float, default=0.3)
    t.add_argument("--word-dropout", type=float, default=0.1)
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--checkpoints", action="store_true", help="also save the weights after every epoch")
    t.add_argument("--crf", action="store_true", help="train with a CRF output layer (learned label transitions)")
    t.add_argument("--teacher", help="distil: .npz of a teacher's per-token log-probabilities (from the teacher step)")
    t.add_argument("--kd-weight", type=float, default=0.7, help="distillation: weight of the teacher term (default 0.7)")
    q = sub.add_parser("teacher", help="an ensemble's per-token log-probabilities, for distillation")
    q.add_argument("--data", default=str(ROOT / "build" / "attr_train.npz"))
    # The three teacher networks of the shipped model are no longer shipped (git history holds them,
    # under lib/presslens/models/ensemble/); train new ones with the train step.
    q.add_argument("--models", nargs="+", required=True, help="recurrent model files to average")
    q.add_argument("--out", default=str(ROOT / "build" / "attr_teacher.npz"))
    q.add_argument("--mix", metavar="NPZ", help="average the ensemble's log-probabilities with this teacher's "
                   "(e.g. train_attribution_bert.py teacher), renormalised")
    w = sub.add_parser("cue-words", help="the word list of PolNeAR train cues (lexicons/polnear_cue_words.txt)")
    w.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "polnear" / "train"))
    w.add_argument("--out", default=str(ROOT / "lib" / "presslens" / "resources" / "lexicons" / "polnear_cue_words.txt"))
    args = ap.parse_args()
    {"prepare": prepare, "teacher": teacher, "train": train, "cue-words": cue_words}[args.cmd](args)


if __name__ == "__main__":
    main()
