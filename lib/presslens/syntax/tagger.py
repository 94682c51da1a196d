"""Part-of-speech tagging: a two-pass greedy averaged perceptron, Penn Treebank tags.

The shipped model was trained on the UD English EWT treebank (its XPOS
column; CC BY-SA 4.0, see ``models/en_ewt_perceptron.md``). It is stored as
gzip-compressed JSON inside the package: nothing is downloaded or unpickled.

>>> tagger = default_tagger()
>>> tagger.tag(["The", "talks", "resumed", "on", "Monday", "."])
['DT', 'NNS', 'VBD', 'IN', 'NNP', '.']

How it works. Each pass tags left to right, greedily. The first pass sees
the words and its own previous tags; the second pass also sees the first
pass's tags of the next two words, which fixes many errors a left-to-right
tagger cannot avoid (``VBD``/``VBN``, ``RP``/``IN``, ``VB``/``VBP``).

Speed comes from splitting the features in two. Static features (the word,
its affixes, shape and ambiguity class, its neighbours) are a sum over the
five words of the window, so each word type's contribution to each window
slot is computed once and cached; a sentence's static scores are then a few
array gathers. Only dynamic features (previous tags, previous tag with the
word) are added in the greedy loop, which steps through a whole batch of
sentences at once, one token position per step.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

from presslens.resources import modelfile
from presslens.resources.files import model_path

__all__ = [
    "MODEL_PATH",
    "PerceptronTagger",
    "default_tagger",
    "evaluate",
    "hyphen_compounds",
    "normalise_form",
    "read_conllu",
    "read_conllu_spacing",
    "save",
    "train",
]

MODEL_PATH: Path = model_path("en_ewt_perceptron.json.gz")
MODEL_NAME = "ewt-perceptron-1"
_FORMAT = "presslens-perceptron"
#: Model files hold the runtime arrays (version 2); training produces named
#: sparse weights (version 1), which the tagger compiles into them.
_FORMAT_VERSION = 2
_TRAINED_VERSION = 1

Sentence = tuple[Sequence[str], Sequence[str]]

# Window padding words and the tags "before" and "after" a sentence.
_PAD_WORDS = ("-START2-", "-START-", "-END-", "-END2-")
_START, _START2, _END = "-START-", "-START2-", "-END-"

# Slots a word fills relative to the token being tagged; a token's static
# score is the sum over slots of the slot vectors of the words in its window.
_CUR, _PREV, _PREV2, _NEXT, _NEXT2, _FIRST = range(6)
_N_SLOTS = 6
# Conjunctions of a tag with a word property, by feature kind: tw = previous
# tag + word; rw, ra, rs = first-pass tag of the next word + word, ambiguity
# class, suffix.
_KEYED = {"tw": "word", "rw": "word", "ra": "amb", "rs": "suffix"}
# Most features a word can have in each slot (see _slot_features).
_SLOT_WIDTHS = (19, 4, 2, 4, 2, 3)
_SLOT_BOUNDS = [(sum(_SLOT_WIDTHS[:i]), sum(_SLOT_WIDTHS[: i + 1])) for i in range(_N_SLOTS)]
# Pads a slot's features to its width: no model has this feature (its row is zero).
_PAD_FEATURE = ["\x00pad"]

# Forms whose tag the form alone decides: the word tokenizer emits `` and ''
# for straight double quotes, and curly quotes say which side they are on.
_FIXED_FORMS = {"``": "``", "\u201c": "``", "''": "''", "\u201d": "''"}

# Typographic variants are folded for feature purposes only, so that news text
# looks like the treebank's web text (where double quotes are mostly `"`).
_DOUBLE_QUOTES = frozenset({"``", "''", "\u201c", "\u201d", "\u201e", "\u201f", "\u00ab", "\u00bb", '""', "\u2018\u2019", "\u2019\u2019"})
_SINGLE_QUOTES = frozenset({"`", "\u2018", "\u2019", "\u201a", "\u201b", "\u2032"})
_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_DASHES = frozenset({"\u2014", "\u2013", "\u2015"})
_INWORD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2013": "-", "\u2014": "--", "\u2026": "..."})
_URL = re.compile(r"^(?:[a-z][a-z+.-]*://|www\.)|\.(?:com|org|net|edu|gov|co\.uk|html?|php)(?:/|$)", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_REPEATS = re.compile(r"(?<=(.))\1+")  # deletes repeats: "Xxxxx" -> "Xx"
_SHAPE = str.maketrans(
    {**{c: "X" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
     **{c: "x" for c in "abcdefghijklmnopqrstuvwxyz"},
     **{c: "d" for c in "0123456789"}}
)


def normalise_form(word: str) -> str:
    """The form the features see: quote, dash, ellipsis and bracket variants folded."""
    if word in _DOUBLE_QUOTES:
        return '"'
    if word in _SINGLE_QUOTES:
        return "'"
    if word in _BRACKETS:
        return _BRACKETS[word]
    if word in _DASHES:
        return "--"
    return word.translate(_INWORD)


def _shape(word: str) -> str:
    s = word.translate(_SHAPE)
    if not s.isascii():  # so that "Zürich" looks like "Xxxx" too
        s = "".join("X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c for c in s)
    return _REPEATS.sub("", s)[:8]


def _freq_bin(count: int) -> str:
    return str(min(int(math.log2(count)) + 1, 6)) if count else "0"


def _slot_features(word: str, amb: str | None, freq: int) -> list[list[str]]:
    """Feature names of one normalised word in each of the six window slots.

    ``amb`` is the word's ambiguity class (the tags seen with it in training)
    and ``freq`` its training count. During training both are jackknifed, so
    rare words look as they will on new text and are not over-trusted.
    """
    if word in _PAD_WORDS:
        return [[], ["-1w|" + word], ["-2w|" + word], ["+1w|" + word], ["+2w|" + word], []]
    low = word.lower()
    shape = _shape(word)
    a = amb or "?"
    cur = ["bias", "0w|" + low, "0sh|" + shape, "0a|" + a, "0f|" + _freq_bin(freq)]
    if word != low:
        cur.append("0W|" + word)
    n = len(low)
    for k in (1, 2, 3):
        if n > k:
            cur.append(f"0p{k}|" + low[:k])
    for k in (1, 2, 3, 4):
        if n > k:
            cur.append(f"0s{k}|" + low[-k:])
    if "-" in word and n > 1:
        cur.append("0hy")
    if any(c.isdigit() for c in word):
        cur.append("0dg")
    if word[:1].isupper():
        cur.append("0up")
        if n > 1 and word.isupper():
            cur.append("0ac")
    if n > 3 and (_URL.search(word) or _EMAIL.match(word)):
        cur.append("0url")
    suf = low[-3:]
    prev = ["-1w|" + low, "-1s3|" + suf, "-1a|" + a, "-1sh|" + shape]
    prev2 = ["-2w|" + low, "-2a|" + a]
    nxt = ["+1w|" + low, "+1s3|" + suf, "+1a|" + a, "+1sh|" + shape]
    nxt2 = ["+2w|" + low, "+2a|" + a]
    first = ["F|sh|" + shape, "F|a|" + a, "F|w|" + low]
    return [cur, prev, prev2, nxt, nxt2, first]


def _amb_class(counts: Counter[str] | None, min_share: float = 0.01) -> str | None:
    if not counts:
        return None
    total = sum(counts.values())
    return "+".join(sorted(t for t, c in counts.items() if c >= min_share * total))


def _sparse_vec(flat: list[float], T: int) -> np.ndarray:
    vec = np.zeros(T, dtype=np.float64)
    vec[np.asarray(flat[0::2], dtype=np.intp)] = flat[1::2]
    return vec


def _encode_sparse(a: np.ndarray) -> dict[str, Any]:
    """A float32 matrix, mostly zeros, as its shape, flat indices and values (exact)."""
    flat = np.ascontiguousarray(a, dtype=np.float32).ravel()
    idx = np.flatnonzero(flat)
    return {"shape": [int(n) for n in a.shape], "index": modelfile.encode_array(idx.astype(np.uint32)),
            "values": modelfile.encode_array(flat[idx])}


def _decode_sparse(obj: dict[str, Any]) -> np.ndarray:
    shape = tuple(int(n) for n in obj["shape"])
    out = np.zeros(int(np.prod(shape, dtype=np.int64)), dtype=np.float32)
    out[modelfile.decode_array(obj["index"]).astype(np.intp)] = modelfile.decode_array(obj["values"])
    return out.reshape(shape)


class _Keyed:
    """Weight vectors of (tag, id) conjunctions, found by binary search on packed keys."""

    def __init__(self, pairs: list[tuple[int, int]], vecs: list[np.ndarray], n_ids: int, T: int) -> None:
        n_ids = max(n_ids, 1)
        keys = np.array([t * n_ids + i for t, i in pairs], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self._set(keys[order], np.asarray(vecs, dtype=np.float32).reshape(-1, T)[order], n_ids)

    def _set(self, keys: np.ndarray, rows: np.ndarray, n_ids: int) -> None:
        self.n_ids = n_ids
        self.keys = keys
        self.vecs = np.vstack([rows, np.zeros((1, rows.shape[1]), np.float32)])
        self.zero = len(self.vecs) - 1
        self.rows = dict(zip(self.keys.tolist(), range(len(self.keys))))

    def to_json(self) -> dict[str, Any]:
        return {"n_ids": self.n_ids, "keys": modelfile.encode_array(self.keys), "vecs": _encode_sparse(self.vecs[:-1])}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "_Keyed":
        keyed = cls.__new__(cls)
        keyed._set(modelfile.decode_array(obj["keys"]).astype(np.int64), _decode_sparse(obj["vecs"]), int(obj["n_ids"]))
        return keyed

    def add_to(self, scores: np.ndarray, tags: np.ndarray, ids: np.ndarray) -> None:
        if not len(self.keys):
            return
        known = ids >= 0
        if not known.any():
            return
        q = tags * self.n_ids + ids
        j = np.searchsorted(self.keys, q)
        j[j >= len(self.keys)] = 0
        hit = known & (self.keys[j] == q)
        scores += self.vecs[np.where(hit, j, self.zero)]


class _Pass:
    """Runtime weights of one tagging pass."""

    def __init__(self, weights: dict[str, list[float]], T: int, ptix: dict[str, int], rtix: dict[str, int],
                 ids: dict[str, dict[str, int]]) -> None:
        P, R = T + 2, T + 1
        static: dict[str, int] = {}
        rows: list[np.ndarray] = []
        t12 = np.zeros((P * P, T))
        r12 = np.zeros((R * R, T))
        r0 = np.zeros((T, T))
        keyed: dict[str, tuple[list[tuple[int, int]], list[np.ndarray]]] = {k: ([], []) for k in _KEYED}
        for name, flat in weights.items():
            vec = _sparse_vec(flat, T)
            kind, _, rest = name.partition("|")
            if kind == "t1":
                t12[ptix[rest]::P] += vec  # every (prev2, prev) row with this prev
            elif kind == "t2":
                a, b = rest.split("|")
                t12[ptix[a] * P + ptix[b]] += vec
            elif kind == "r1":
                r1 = rtix[rest]
                r12[r1 * R : (r1 + 1) * R] += vec  # every (next, next2) row with this next
            elif kind == "r12":
                a, b = rest.split("|")
                r12[rtix[a] * R + rtix[b]] += vec
            elif kind == "r0":
                r0[rtix[rest]] += vec
            elif kind in _KEYED:
                t, value = rest.split("|", 1)
                keyed[kind][0].append(((ptix if kind == "tw" else rtix)[t], ids[_KEYED[kind]][value]))
                keyed[kind][1].append(vec)
            else:
                static[name] = len(rows)
                rows.append(vec)
        self.static_ix = static
        self.W = np.vstack(rows + [np.zeros(T)]).astype(np.float32)
        self.zero = len(self.W) - 1
        self.t12 = t12.astype(np.float32)
        self.r12 = r12.astype(np.float32)
        self.r0 = r0.astype(np.float32)
        self.keyed = {k: _Keyed(*keyed[k], len(ids[v]), T) for k, v in _KEYED.items()}
        self.tw = self.keyed["tw"]
        self.right = bool(r12.any() or r0.any() or any(keyed[k][0] for k in ("rw", "ra", "rs")))

    def to_json(self) -> dict[str, Any]:
        """The runtime arrays, exactly (format version 2)."""
        return {"static": sorted(self.static_ix, key=self.static_ix.__getitem__), "W": _encode_sparse(self.W[:-1]),
                "t12": _encode_sparse(self.t12), "r12": _encode_sparse(self.r12), "r0": _encode_sparse(self.r0),
                "keyed": {k: v.to_json() for k, v in self.keyed.items()}, "right": self.right}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "_Pass":
        ps = cls.__new__(cls)
        ps.static_ix = {name: i for i, name in enumerate(obj["static"])}
        W = _decode_sparse(obj["W"])
        ps.W = np.vstack([W, np.zeros((1, W.shape[1]), np.float32)])
        ps.zero = len(ps.W) - 1
        ps.t12, ps.r12, ps.r0 = (_decode_sparse(obj[k]) for k in ("t12", "r12", "r0"))
        ps.keyed = {k: _Keyed.from_json(v) for k, v in obj["keyed"].items()}
        ps.tw = ps.keyed["tw"]
        ps.right = bool(obj["right"])
        return ps


class PerceptronTagger:
    """Two-pass greedy averaged-perceptron tagger producing Penn Treebank tags.

    Input is one tokenised sentence (or many); tokens should be split the
    Treebank way (``do n't``, ``Smith 's``). Curly and straight quotes, ``--``,
    ``...``, URLs and numbers are all handled.

    >>> tagger = PerceptronTagger.load()  # the shipped EWT model
    >>> tagger.tag_sents([["I", "like", "it", "."], ["Prices", "rose", "3", "%", "."]])
    [['PRP', 'VBP', 'PRP', '.'], ['NNS', 'VBD', 'CD', 'NN', '.']]
    """

    #: Word types cached before the cache is dropped; bounds memory (about
    #: 2.4 kB per type) on very large corpora.
    CACHE_LIMIT = 50_000

    def __init__(self, model: dict[str, Any], source: bytes | None = None) -> None:
        """``model``: a trained model (format version 1: sparse named weights, as
        :func:`train` makes it) or a model file's contents (version 2: the
        runtime arrays themselves, which load without rebuilding them)."""
        version = model.get("format_version")
        if model.get("format") != _FORMAT or version not in (_TRAINED_VERSION, _FORMAT_VERSION):
            raise ValueError("not a presslens perceptron model (format or format_version mismatch)")
        self._model = {k: v for k, v in model.items() if k not in ("passes", "ids")}
        self._source = source if version == _FORMAT_VERSION else None
        self.tags: list[str] = list(model["tags"])
        T = len(self.tags)
        self._T = T
        tix = {t: i for i, t in enumerate(self.tags)}
        ptix = {**tix, _START: T, _START2: T + 1}
        rtix = {**tix, _END: T}
        self._amb: dict[str, str] = model["amb"]
        self._freq: dict[str, int] = model["freq"]
        self._tagdict: dict[str, int] = {w: tix[t] for w, t in model["tagdict"].items()}
        for form, t in _FIXED_FORMS.items():
            if t in tix:
                self._tagdict[form] = tix[t]
        if version == _FORMAT_VERSION:
            self._ids = {k: {v: i for i, v in enumerate(vs)} for k, vs in model["ids"].items()}
            self._passes = [_Pass.from_json(p) for p in model["passes"]]
        else:
            # Ids for the words, ambiguity classes and suffixes in tag conjunctions.
            ids: dict[str, dict[str, int]] = {"word": {}, "amb": {}, "suffix": {}}
            for weights in model["passes"]:
                for name in weights:
                    kind, _, rest = name.partition("|")
                    if kind in _KEYED:
                        vocab = ids[_KEYED[kind]]
                        vocab.setdefault(rest.split("|", 1)[1], len(vocab))
            self._ids = ids
            self._passes = [_Pass(w, T, ptix, rtix, ids) for w in model["passes"]]
        self._reset_cache()

    # --- word-type cache ---------------------------------------------------
    def _reset_cache(self) -> None:
        self._types: dict[str, int] = {}
        cap = 1024
        self._V = np.zeros((cap, len(self._passes), _N_SLOTS, self._T), dtype=np.float32)
        self._fixed = np.full(cap, -1, dtype=np.int64)
        self._wid = np.full(cap, -1, dtype=np.int64)
        self._aid = np.full(cap, -1, dtype=np.int64)
        self._sid = np.full(cap, -1, dtype=np.int64)
        self._add_types(list(_PAD_WORDS))

    def _add_types(self, words: list[str]) -> None:
        """Cache slot vectors of new word types, all in one gather per pass."""
        # Tens of thousands of short-lived lists and strings: the cyclic
        # garbage collector would scan them over and over (a quarter of the
        # time) and can find no cycle among them.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._add_types_now(words)
        finally:
            if enabled:
                gc.enable()

    def _add_types_now(self, words: list[str]) -> None:
        first = len(self._types)
        n = first + len(words)
        if n > self.CACHE_LIMIT:
            raise _CacheFull
        if n > len(self._V):
            cap = min(max(2 * len(self._V), n), self.CACHE_LIMIT)
            self._V = np.concatenate([self._V, np.zeros((cap - len(self._V), *self._V.shape[1:]), np.float32)])
            for name in ("_fixed", "_wid", "_aid", "_sid"):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.full(cap - len(old), -1, np.int64)]))
        feats: list[list[list[str]]] = []
        for k, word in enumerate(words):
            norm = word if word in _PAD_WORDS else normalise_form(word)
            low = norm.lower()
            amb, freq = (None, 0) if word in _PAD_WORDS else (self._amb.get(low), self._freq.get(low, 0))
            feats.append(_slot_features(norm, amb, freq))
            ti = first + k
            fixed = self._tagdict.get(word)
            self._fixed[ti] = fixed if fixed is not None else self._tagdict.get(norm, -1)
            self._wid[ti] = self._ids["word"].get(low, -1)
            self._aid[ti] = self._ids["amb"].get(amb, -1) if amb else -1
            self._sid[ti] = self._ids["suffix"].get(low[-3:], -1)
            self._types[word] = ti
        # Slot features go into fixed-width rows (padded with the zero row), so
        # that a type's vectors are summed in the same order whatever batch it
        # arrives in: tags never depend on what was tagged before.
        width = sum(_SLOT_WIDTHS)
        # All feature names of all new words in one flat list, each slot
        # padded to its width with a name no model has (it maps to the zero
        # row): one C-level map per pass looks them all up.
        names: list[str] = []
        for slots in feats:
            for slot_names, w in zip(slots, _SLOT_WIDTHS):
                names += slot_names
                names += _PAD_FEATURE * (w - len(slot_names))
        for a in range(0, len(words), 2048):
            n = min(2048, len(words) - a)
            chunk_names = names[a * width : (a + n) * width]
            for p, ps in enumerate(self._passes):
                ids = np.fromiter(map(ps.static_ix.get, chunk_names, repeat(ps.zero)), dtype=np.int64,
                                  count=len(chunk_names))
                G = ps.W[ids.reshape(n, width)]
                lo = first + a
                for slot, (b, e) in enumerate(_SLOT_BOUNDS):
                    self._V[lo : lo + n, p, slot] = G[:, b:e].sum(axis=1)

    # --- tagging -------------------------------------------------------------
    def tag(self, words: list[str]) -> list[str]:
        """Penn Treebank tags for one tokenised sentence."""
        return self.tag_sents([words])[0]

    def tag_sents(self, sents: list[list[str]]) -> list[list[str]]:
        """Penn Treebank tags for many tokenised sentences (much faster than one by one)."""
        sents = [list(s) for s in sents]
        try:
            return self._tag_batch(sents)
        except _CacheFull:
            pass
        # Unseen types overflowed the cache: start afresh for each group of
        # sentences small enough that it cannot overflow it again. (A single
        # sentence longer than that is tagged in pieces.)
        limit = self.CACHE_LIMIT // 2
        out: list[list[str]] = []
        group: list[list[str]] = []
        size = 0
        for s in sents:
            if size + len(s) > limit and group:
                self._reset_cache()
                out.extend(self._tag_batch(group))
                group, size = [], 0
            if len(s) > limit:
                tags: list[str] = []
                for i in range(0, len(s), limit):
                    self._reset_cache()
                    tags += self._tag_batch([s[i : i + limit]])[0]
                out.append(tags)
                continue
            group.append(s)
            size += len(s)
        if group:
            self._reset_cache()
            out.extend(self._tag_batch(group))
        return out

    def _tag_batch(self, sents: list[list[str]]) -> list[list[str]]:
        if not sents:
            return []
        T = self._T
        lengths = np.array([len(s) for s in sents], dtype=np.int64)
        # Longest first, so the sentences still running at step t are a prefix.
        order = np.argsort(-lengths, kind="stable")
        types = self._types
        new = {w: None for s in sents for w in s if w not in types}
        if new:
            self._add_types(list(new))
        s2, s1, e1, e2 = (types[w] for w in _PAD_WORDS)
        seq: list[int] = []
        for k in order.tolist():
            seq += (s2, s1)
            seq += [types[w] for w in sents[k]]
            seq += (e1, e2)
        ids = np.array(seq, dtype=np.int64)
        slen = lengths[order]
        n_tok = int(slen.sum())
        if n_tok == 0:
            return [[] for _ in sents]
        tok_start = np.concatenate([[0], np.cumsum(slen)[:-1]])
        # ``ids`` holds each sentence padded by two words on either side.
        pos = np.repeat(4 * np.arange(len(slen)) + 2, slen) + np.arange(n_tok)
        cur = ids[pos]
        firsts = tok_start[slen > 0]
        left = np.arange(n_tok) - np.repeat(tok_start, slen)  # index within sentence
        right = np.repeat(slen, slen) - left - 1  # tokens after this one
        active = np.searchsorted(-slen, -np.arange(int(slen[0])), side="left")
        V = self._V
        fixed = self._fixed[cur]
        pred: np.ndarray | None = None
        for p, ps in enumerate(self._passes):
            scores = V[cur, p, _CUR]
            scores += V[ids[pos - 1], p, _PREV]
            scores += V[ids[pos - 2], p, _PREV2]
            scores += V[ids[pos + 1], p, _NEXT]
            scores += V[ids[pos + 2], p, _NEXT2]
            scores[firsts] += V[cur[firsts], p, _FIRST]
            if pred is not None and ps.right:
                r1 = np.where(right >= 1, np.roll(pred, -1), T)
                r2 = np.where(right >= 2, np.roll(pred, -2), T)
                scores += ps.r12[r1 * (T + 1) + r2]
                scores += ps.r0[pred]
                ps.keyed["rw"].add_to(scores, r1, self._wid[cur])
                ps.keyed["ra"].add_to(scores, r1, self._aid[cur])
                ps.keyed["rs"].add_to(scores, r1, self._sid[cur])
            pred = self._greedy(ps, scores, fixed, self._wid[cur], tok_start, active)
        assert pred is not None
        names = [self.tags[i] for i in pred.tolist()]
        result: list[list[str]] = [[] for _ in sents]
        for j, k in enumerate(order.tolist()):
            st = int(tok_start[j])
            result[k] = names[st : st + int(slen[j])]
        return result

    def _greedy(self, ps: _Pass, scores: np.ndarray, fixed: np.ndarray, wid: np.ndarray,
                tok_start: np.ndarray, active: np.ndarray) -> np.ndarray:
        T = self._T
        P = T + 2
        n = len(tok_start)
        if n == 1:
            return self._greedy_one(ps, scores, fixed, wid)
        out = np.empty(len(scores), dtype=np.int64)
        p1 = np.full(n, T, dtype=np.int64)
        p2 = np.full(n, T + 1, dtype=np.int64)
        t12, tw = ps.t12, ps.tw
        for t, k in enumerate(active.tolist()):
            at = tok_start[:k] + t
            a1 = p1[:k]
            s = scores[at] + t12[p2[:k] * P + a1]
            tw.add_to(s, a1, wid[at])
            f = fixed[at]
            best = np.where(f >= 0, f, s.argmax(axis=1))
            out[at] = best
            p2[:k] = a1
            p1[:k] = best
        return out

    def _greedy_one(self, ps: _Pass, scores: np.ndarray, fixed: np.ndarray, wid: np.ndarray) -> np.ndarray:
        # One sentence: plain per-token steps beat the batch machinery.
        T = self._T
        P = T + 2
        t12, rows, vecs, n_ids = ps.t12, ps.tw.rows, ps.tw.vecs, ps.tw.n_ids
        out: list[int] = []
        p1, p2 = T, T + 1
        for i, (f, w) in enumerate(zip(fixed.tolist(), wid.tolist())):
            if f >= 0:
                t = f
            else:
                s = scores[i] + t12[p2 * P + p1]
                r = rows.get(p1 * n_ids + w) if w >= 0 else None
                if r is not None:
                    s += vecs[r]
                t = int(s.argmax())
            out.append(t)
            p2, p1 = p1, t
        return np.array(out, dtype=np.int64)

    # --- loading, saving, identity ---------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> PerceptronTagger:
        """Load a model file (default: the shipped EWT model)."""
        raw = Path(path if path is not None else MODEL_PATH).read_bytes()
        data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        return cls(json.loads(data.decode("utf-8")), source=raw)

    def to_bytes(self) -> bytes:
        """The model file's bytes (:mod:`presslens.resources.modelfile`), the same for the same model.

        Format version 2 stores the runtime arrays exactly (float32, mostly
        zeros, so as indices and values), with the ids of the conjunction
        vocabularies: loading is a few array copies, not a rebuild from
        hundreds of thousands of named weights.
        """
        if self._source is None:
            model = {**self._model, "format_version": _FORMAT_VERSION,
                     "ids": {k: sorted(v, key=v.__getitem__) for k, v in self._ids.items()},
                     "passes": [p.to_json() for p in self._passes]}
            self._source = modelfile.dumps(model)
        return self._source

    @property
    def version(self) -> str:
        """Model name and the first 12 hex digits of the model file's SHA-256."""
        digest = hashlib.sha256(self.to_bytes()).hexdigest()[:12]
        return f"{self._model.get('name', MODEL_NAME)} sha256:{digest}"

    @property
    def info(self) -> dict[str, Any]:
        """Training provenance recorded in the model file."""
        return dict(self._model.get("meta", {}))

    def __repr__(self) -> str:
        return f"<PerceptronTagger {self.version}>"


class _CacheFull(Exception):
    """The word-type cache reached CACHE_LIMIT."""


@lru_cache(maxsize=1)
def default_tagger() -> PerceptronTagger:
    """The shipped EWT model, loaded once per process."""
    return PerceptronTagger.load()
