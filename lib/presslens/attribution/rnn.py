"""The default attribution tagger: a bidirectional quasi-recurrent network labelling cues, sources and contents in one pass (numpy inference).

Inputs per token are embeddings of the lower-cased word, its last three
letters, its shape, its Penn tag (from :mod:`presslens.syntax.tagger`) and its
quotation state, plus two sentence-boundary flags. Two bidirectional QRNN
layers (Bradbury et al. 2017, "Quasi-Recurrent Neural Networks", ICLR;
filter width 2 on the embeddings, 1 above; fo-pooling) read them: the gates depend on the inputs only,
so all matrix products run once over every token of the document and the
only step-by-step work is an elementwise recurrence (no small per-step
matrix products, which numpy would spread over threads at a loss). Weights
were trained with PyTorch by ``scripts/train_attribution_rnn.py``; only numpy
runs here. Labels and decoding: :mod:`presslens.attribution.labels` (plus
learned transition scores where the model was trained with a CRF output layer).

>>> shape("Kabul"), shape("UN"), shape("2025")
('Xx', 'X', 'd')
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from presslens.attribution.labels import LABELS, _viterbi_many, allowed_transitions
from presslens.resources.files import model_path

if TYPE_CHECKING:
    from presslens.attribution.sequences import Seq



FORMAT = "presslens-attribution-qrnn"


#: Columns of :func:`encode`'s output, in order.
COLUMNS = ("word", "suffix", "shape", "tag", "quote", "flags")


PAD, UNK = 0, 1




def shape(form: str) -> str:
    """A coarse word shape: ``Xx``, ``X``, ``x``, ``d``, ``p`` (punctuation), ``m`` (mixed)."""
    if form[:1].isupper():
        return "Xx" if form[1:].islower() else ("X" if form.isalpha() else "X?")
    if form.isdigit():
        return "d"
    if form.isalpha():
        return "x"
    return "p" if not any(c.isalnum() for c in form) else "m"


def token_strings(seq: "Seq") -> list[list[str]]:
    """The symbolic inputs of every token: word, suffix, shape, tag, quote state."""
    return [[w, w[-3:], shape(f), t, str(q)] for w, f, t, q in zip(seq.words, seq.forms, seq.tags, seq.quote)]


def encode(seq: "Seq", vocab: dict[str, dict[str, int]]) -> np.ndarray:
    """``(n, 6)`` integer inputs of a sequence: ids of word, suffix, shape,
    tag and quote state (``UNK`` for unseen), and flags (1 first, 2 last in sentence)."""
    n = len(seq.words)
    out = np.empty((n, len(COLUMNS)), dtype=np.int64)
    # Word, suffix and shape depend on the word and its form only: their
    # ids are remembered per (word, form) for this vocabulary.
    known = _form_ids(vocab)
    rows = []
    for w, f in zip(seq.words, seq.forms):
        ids = known.get((w, f))
        if ids is None:
            ids = known[(w, f)] = (vocab["word"].get(w, UNK), vocab["suffix"].get(w[-3:], UNK),
                                   vocab["shape"].get(shape(f), UNK))
            if len(known) > _FORM_CACHE_LIMIT:
                known.clear()
        rows.append(ids)
    if n:
        out[:, :3] = rows
    get = vocab["tag"].get
    out[:, 3] = [get(t, UNK) for t in seq.tags]
    get = vocab["quote"].get
    out[:, 4] = [get(str(q), UNK) for q in seq.quote]
    out[:, 5] = [(1 if f else 0) + (2 if la else 0) for f, la in zip(seq.sent_first, seq.sent_last)]
    return out


_FORM_CACHE_LIMIT = 200_000  # (word, form) pairs remembered per vocabulary; bounds memory on huge corpora


_form_caches: dict[int, tuple[dict, dict]] = {}


def _form_ids(vocab: dict[str, dict[str, int]]) -> dict:
    """The (word, form) -> ids cache of one vocabulary (kept while the vocabulary lives)."""
    entry = _form_caches.get(id(vocab))
    if entry is None or entry[0] is not vocab:
        entry = _form_caches[id(vocab)] = (vocab, {})
    return entry[1]


@lru_cache(maxsize=1)
def _blas_thread_setter() -> Any:
    """``openblas_set_num_threads_local`` of numpy's bundled OpenBLAS, or None.

    The products here (a few hundred tokens by a few hundred weights) are
    small: OpenBLAS spreads them over threads all the same, which on a busy
    machine costs several times the work itself (measured: 7.8 ms of CPU for
    one product that takes 1.1 ms on one thread). The thread-local setting
    (OpenBLAS 0.3.27 and later) keeps them on the calling thread without
    touching any other caller's setting. With another BLAS, nothing changes.
    """
    try:
        import ctypes

        libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
        for path in sorted(libs.glob("*openblas*.so*")):
            fn = getattr(ctypes.CDLL(str(path)), "openblas_set_num_threads_local", None)
            if fn is not None:
                fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
                return fn
    except (OSError, AttributeError):
        pass
    return None


class RnnTagger:
    """The shipped weights and the forward pass.

    ``weights`` holds embedding tables ``emb_<column>``, per layer ``k`` and
    direction (``f`` forward, ``b`` backward) the gate weights ``l{k}_{d}_w``
    (candidate, forget and output gates, 3H rows; 2D columns where the
    filter also reads the neighbour token, before it going forward or after
    it going backward, D where it reads the token alone) and ``l{k}_{d}_b``,
    and the output layer ``out_w``/``out_b``.
    """

    def __init__(self, vocab: dict[str, dict[str, int]], weights: dict[str, np.ndarray], meta: dict[str, Any]):
        self.vocab = vocab
        self.w = weights
        self.meta = meta
        self.layers = int(meta.get("layers", 1))
        self.allowed = allowed_transitions()
        # Added to the log-probabilities before decoding: a positive value on
        # B-Q trades cue precision for recall (chosen on PolNeAR dev, see the
        # model card; the weights themselves never saw dev).
        self.bias = np.asarray(meta.get("label_bias") or [0.0] * len(LABELS), dtype=np.float64)
        # Label transition scores of a CRF output layer, where the model was
        # trained with one (row len(LABELS): the first label); else zeros.
        n = len(LABELS)
        T = np.asarray(meta.get("transitions") or np.zeros((n + 1, n)), dtype=np.float64)
        self.trans = np.where(self.allowed, T, -1e9)
        # Gate weights with the forget and output rows halved: then one tanh
        # over all the gates gives the candidate and, as (tanh(x/2) + 1) / 2,
        # both sigmoids. Halving is exact in binary floating point, so the
        # gates are bit for bit what the plain weights give.
        self.gw: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in weights:
            if name.startswith("l") and name.endswith("_w"):
                prefix = name[:-2]
                W, b = weights[name].copy(), weights[prefix + "_b"].copy()
                H = W.shape[0] // 3
                W[H:] *= 0.5
                b[H:] *= 0.5
                self.gw[prefix] = (W, b)
        self._w0: np.ndarray | None = None  # layer-0 gate weights, stacked (see _first_layer_inputs)

    # -- storage -----------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """gzip JSON header (vocabularies, meta) followed by an ``.npz`` of float16 weights.

        Stored as one gzip stream: a JSON line, then the npz bytes. Fixed
        zip and gzip times keep the file byte-identical for the same weights.
        """
        buf = io.BytesIO()
        # An .npz written by hand: np.savez stamps each member with the time.
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            for k, v in sorted(self.w.items()):
                member = io.BytesIO()
                np.lib.format.write_array(member, np.ascontiguousarray(v, dtype=np.float16), allow_pickle=False)
                zf.writestr(zipfile.ZipInfo(k + ".npy", date_time=(1980, 1, 1, 0, 0, 0)), member.getvalue())
        head = json.dumps({"format": FORMAT, "version": 1, "meta": self.meta, "labels": list(LABELS),
                           "vocab": self.vocab}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        with open(path, "wb") as fh, gzip.GzipFile(filename="", fileobj=fh, mode="wb", mtime=0) as gz:
            gz.write(head.encode("utf-8") + b"\n")
            gz.write(buf.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> "RnnTagger":
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
        nl = raw.index(b"\n")
        head = json.loads(raw[:nl].decode("utf-8"))
        if head.get("format") != FORMAT or tuple(head["labels"]) != LABELS:
            raise ValueError(f"{path}: not a presslens attribution QRNN")
        with np.load(io.BytesIO(raw[nl + 1:])) as z:
            # float32: half the memory traffic of float64 and the same labels.
            weights = {k: z[k].astype(np.float32) for k in z.files}
        return cls(head["vocab"], weights, head.get("meta", {}))

    # -- inference ---------------------------------------------------------
    def _embed(self, x: np.ndarray) -> np.ndarray:
        parts = [self.w["emb_" + c][x[:, k]] for k, c in enumerate(COLUMNS)]
        return np.concatenate(parts, axis=1)

    def _first_layer_inputs(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Layer-0 gate inputs of each distinct token type.

        A token's layer-0 input is the embeddings of its six symbols (and
        of its neighbour's): a function of the token type alone. News
        repeats types (a 100-article batch has one type for every eight
        tokens), so the products with the gate weights are taken once per
        type, ``E @ [W_f,token | W_f,neighbour | W_b,token | W_b,neighbour]``,
        and gathered per token: the largest matrix product of the network,
        about an eighth of its former size.

        Returns each token's type row and the products (types, 4 * 3H).
        """
        key = x[:, 0].astype(np.int64)
        for k, c in enumerate(COLUMNS[1:], 1):
            key = key * len(self.w["emb_" + c]) + x[:, k]
        _, first, inv = np.unique(key, return_index=True, return_inverse=True)
        E = self._embed(x[first])
        if self._w0 is None:
            D = E.shape[1]
            blocks = []
            for d in ("f", "b"):
                W = self.gw[f"l0_{d}"][0]
                blocks += [W[:, :D], W[:, D:2 * D] if W.shape[1] == 2 * D else np.zeros_like(W[:, :D])]
            self._w0 = np.ascontiguousarray(np.concatenate(blocks, axis=0))
        return inv.reshape(-1), E @ self._w0.T

    def tag(self, seqs: Sequence["Seq"]) -> list[list[str]]:
        """Label sequences of several paragraphs (one batch): an ensemble of one."""
        return RnnEnsemble([self]).tag(seqs)


def _gates(w: dict[str, tuple[np.ndarray, np.ndarray]], X: np.ndarray, nb: np.ndarray,
           prefix: str) -> tuple[np.ndarray, ...]:
    """Forget gate ``f``, gated candidate ``a = (1 - f) * z`` and output gate
    ``o`` of one QRNN direction for all tokens ``X`` (N, D).

    ``nb[i]`` is the row of token i's neighbour (the one before it going
    forward, after it going backward) or -1 at a sequence's edge.
    """
    W, b = w[prefix]
    if W.shape[1] == 2 * X.shape[1]:  # filter width 2: the token and its neighbour
        Xn = X[np.maximum(nb, 0)]
        Xn[nb < 0] = 0.0
        X = np.concatenate([X, Xn], axis=1)
    return _activate(X @ W.T + b)


def _first_gates(m: "RnnTagger", types: tuple[np.ndarray, np.ndarray], nb: np.ndarray,
                 d: str) -> tuple[np.ndarray, ...]:
    """:func:`_gates` of layer 0 from the per-type products of :meth:`RnnTagger._first_layer_inputs`."""
    inv, P = types
    H3 = m.w[f"l0_{d}_b"].shape[0]
    at = 0 if d == "f" else 2 * H3
    G = P[inv, at:at + H3]
    Gn = P[inv[np.maximum(nb, 0)], at + H3:at + 2 * H3]
    Gn[nb < 0] = 0.0
    G += Gn
    G += m.gw[f"l0_{d}"][1]
    return _activate(G)


def _activate(G: np.ndarray) -> tuple[np.ndarray, ...]:
    """``f``, ``a`` and ``o`` from gate pre-activations whose ``f`` and ``o``
    parts are already halved (see ``RnnTagger.gw``); ``G`` is overwritten."""
    H = G.shape[1] // 3
    np.tanh(G, out=G)
    fo = G[:, H:]
    fo += 1.0
    fo *= 0.5
    f = G[:, H:2 * H]
    return f, (1.0 - f) * G[:, :H], G[:, 2 * H:]


def _pool(f: np.ndarray, a: np.ndarray, steps: list[np.ndarray]) -> np.ndarray:
    """fo-pooling ``c_t = f_t * c_(t-1) + a_t`` along packed sequences.

    ``steps[t]`` holds the rows at step ``t`` of the sequences still running,
    longest first, so they are always a prefix of the state. The loop is
    the only step-by-step work; it is elementwise, so several models'
    states side by side (columns) share it.
    """
    if not steps:
        return np.empty_like(a)
    # In step order the rows of step t are one contiguous block, and the
    # states they continue are the first rows of step t - 1's block: the
    # loop works on slices, with one gather before and one scatter after.
    perm = np.concatenate(steps)
    F = f[perm]
    C = a[perm]
    bounds = np.cumsum([0] + [len(rows) for rows in steps]).tolist()
    prev = np.zeros((len(steps[0]), a.shape[1]), dtype=a.dtype)
    for t in range(len(steps)):
        s, e = bounds[t], bounds[t + 1]
        before = prev[: e - s] if t == 0 else C[bounds[t - 1] : bounds[t - 1] + e - s]
        ft = F[s:e]
        np.multiply(ft, before, out=ft)
        np.add(ft, C[s:e], out=C[s:e])
    c_all = np.empty_like(a)
    c_all[perm] = C
    return c_all


def _forward(models: Sequence["RnnTagger"], inputs: Sequence[Sequence[np.ndarray]]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Token offsets and each model's log-probabilities (N, labels) for the
    same sequences (``inputs[m]``: model m's encoding of them).

    Models with as many layers run their recurrences together, their states
    side by side, so the per-step loop runs once per layer and direction.
    """
    setter = _blas_thread_setter()
    previous = setter(1) if setter is not None else None
    try:
        lengths = np.asarray([len(x) for x in inputs[0]], dtype=np.int64)
        offs = np.concatenate([[0], np.cumsum(lengths)])
        order = np.argsort(-lengths, kind="stable")
        fwd: list[np.ndarray] = []
        bwd: list[np.ndarray] = []
        for t in range(int(lengths.max())):
            live = order[lengths[order] > t]
            fwd.append(offs[live] + t)
            bwd.append(offs[live] + lengths[live] - 1 - t)
        n = int(offs[-1])
        idx = np.arange(n)
        seq_of = np.repeat(np.arange(len(lengths)), lengths)
        nbs = {"f": np.where(idx > offs[seq_of], idx - 1, -1), "b": np.where(idx < offs[seq_of + 1] - 1, idx + 1, -1)}
        layers = {m.layers for m in models}
        if len(layers) != 1:
            Z = [z for m, x in zip(models, inputs) for z in _forward([m], [x])[1]]
            return offs, Z
        types = [m._first_layer_inputs(np.concatenate(x)) for m, x in zip(models, inputs)]
        X: list[np.ndarray] = []
        for layer in range(layers.pop()):
            out: dict[str, list[np.ndarray]] = {}
            for d, steps in (("f", fwd), ("b", bwd)):
                if layer == 0:
                    gates = [_first_gates(m, t, nbs[d], d) for m, t in zip(models, types)]
                else:
                    gates = [_gates(m.gw, x, nbs[d], f"l{layer}_{d}") for m, x in zip(models, X)]
                if len(gates) == 1:
                    c = _pool(gates[0][0], gates[0][1], steps)
                    out[d] = [gates[0][2] * c]
                    continue
                c = _pool(np.concatenate([g[0] for g in gates], axis=1), np.concatenate([g[1] for g in gates], axis=1),
                          steps)
                cuts = np.cumsum([g[2].shape[1] for g in gates])[:-1]
                out[d] = [g[2] * cm for g, cm in zip(gates, np.split(c, cuts, axis=1))]
            X = [np.concatenate([hf, hb], axis=1) for hf, hb in zip(out["f"], out["b"])]
        Z = []
        for m, x in zip(models, X):
            z = x @ m.w["out_w"].T + m.w["out_b"]
            z = z - z.max(axis=1, keepdims=True)
            Z.append(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))
        return offs, Z
    finally:
        if setter is not None:
            setter(previous)


class RnnEnsemble:
    """Several :class:`RnnTagger` whose log-probabilities are averaged before decoding.

    Transition scores (of models trained with a CRF layer; zero for the
    others) are averaged too. Each model encodes the input with its own
    vocabulary, so the members may differ in size and settings.
    """

    def __init__(self, members: Sequence[RnnTagger]) -> None:
        if not members:
            raise ValueError("an ensemble needs at least one model")
        self.members = list(members)
        self.allowed = allowed_transitions()
        self.trans = np.where(self.allowed, np.mean([np.where(m.allowed, m.trans, 0.0) for m in self.members], axis=0),
                              -1e9)
        self.bias = np.mean([m.bias for m in self.members], axis=0)
        # Members trained on the same data share a vocabulary: encode once.
        self._vocab_of = []
        for i, m in enumerate(self.members):
            self._vocab_of.append(next(j for j in range(i + 1) if self.members[j].vocab == m.vocab))

    @classmethod
    def load(cls, paths: Sequence[str | Path]) -> "RnnEnsemble":
        return cls([RnnTagger.load(p) for p in paths])


    def log_probs(self, seqs: Sequence["Seq"]) -> tuple[np.ndarray, np.ndarray]:
        """Token offsets and the members' mean per-token log-probabilities (plus bias) ``(N, labels)``."""
        encoded: dict[int, list[np.ndarray]] = {}
        for j in sorted(set(self._vocab_of)):
            encoded[j] = [encode(s, self.members[j].vocab) for s in seqs]
        inputs = [encoded[j] for j in self._vocab_of]
        offs, Z = _forward(self.members, inputs)
        return offs, np.mean(Z, axis=0) + self.bias

    def tag(self, seqs: Sequence["Seq"]) -> list[list[str]]:
        """Label sequences of several paragraphs (one batch for all members)."""
        if not seqs:
            return []
        offs, mean = self.log_probs(seqs)
        return [[LABELS[k] for k in path] for path in _viterbi_many(self.trans, mean, offs)]


def default_tagger() -> RnnTagger:
    """The shipped default tagger (``models/attribution_rnn.md``)."""
    return RnnTagger.load(model_path("attribution_rnn.bin.gz"))
