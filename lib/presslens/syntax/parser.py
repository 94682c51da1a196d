"""Labelled dependency parsing (UD relations) and agent/patient roles.

A greedy arc-eager transition parser scored by an averaged perceptron, trained
on UD English EWT (CC BY-SA 4.0, see ``models/en_ewt_parser.md``) with tags
from presslens's own tagger, so that its input at run time -- words and Penn
Treebank tags from :func:`presslens.tagger.default_tagger` -- looks like its
training input. The model ships inside the package: gzip-compressed JSON
with its integer weights as base64 arrays (:mod:`presslens.resources.modelfile`).

>>> p = default_parser()
>>> words = ["The", "talks", "were", "hosted", "by", "Turkey", "."]
>>> p.parse(words, ["DT", "NNS", "VBD", "VBN", "IN", "NNP", "."])
[(2, 'det'), (4, 'nsubj:pass'), (4, 'aux:pass'), (0, 'root'), (6, 'case'), (4, 'obl:agent'), (4, 'punct')]

Heads are 1-based with 0 for the root, as in CoNLL-U. :func:`semantic_roles`
turns a parse into agent/patient roles (see its docstring for the rules).

How it works. The parser state is a stack, a buffer and the arcs so far;
each step the perceptron scores every transition (SHIFT, REDUCE, LEFT-ARC and
RIGHT-ARC with each label) from about 75 conjoined features of the top of
the stack, the next buffer words and their leftmost/rightmost children
(Zhang & Nivre 2011, "Transition-based dependency parsing with rich
non-local features"), and applies the best valid one. Training uses the
static oracle on the projective training trees (non-projective ones are
skipped), so every training state and its features are computed once and
the perceptron epochs are plain numpy.
"""

from __future__ import annotations


import hashlib
import mmap
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from presslens.resources import modelfile
from presslens.syntax.conllu import read_conllu_trees
from presslens.syntax.tagger import normalise_form
from presslens.resources.files import model_path

__all__ = [
    "MODEL_PATH",
    "DependencyParser",
    "default_parser",
    "read_conllu_trees",
    "semantic_roles",
    "attachment_scores",
    "is_projective",
    "oracle",
    "features",
]


MODEL_PATH: Path = model_path("en_ewt_parser.json.gz")


MODEL_NAME = "ewt-arceager-1"


_FORMAT = "presslens-arceager"


_FORMAT_VERSION = 2


SHIFT, REDUCE = 0, 1


_NULL = "-NULL-"


_ROOT = "-ROOT-"


_PUNCT_TAGS = frozenset({".", ",", ":", "``", "''", "-LRB-", "-RRB-", "HYPH", "NFP", "$", "#"})


_DIGITS = re.compile(r"\d")


def is_projective(heads: Sequence[int]) -> bool:
    """Whether no two arcs cross (the root arc included).

    >>> is_projective([2, 0, 2]), is_projective([3, 4, 0, 3])
    (True, False)
    """
    arcs = [(min(h, d), max(h, d)) for d, h in enumerate(heads, 1)]
    for a, b in arcs:
        for c, d in arcs:
            if a < c < b < d:
                return False
    return True


def _word_feature(word: str) -> str:
    w = normalise_form(word).lower()
    return _DIGITS.sub("0", w) if any(ch.isdigit() for ch in w) else w


# --- transition system -----------------------------------------------------
class _State:
    """Arc-eager configuration over tokens 1..n (0 is the root).

    Lists have one extra slot at the end, reached by index -1, holding the
    "nothing there" values, so feature code needs no bounds checks.
    """

    __slots__ = ("n", "i", "stack", "heads", "labels", "lefts", "rights")

    def __init__(self, n: int) -> None:
        self.n = n
        self.i = 1
        self.stack = [0]
        self.heads = [-1] * (n + 2)
        self.labels = [_NULL] * (n + 2)
        self.lefts: list[list[int]] = [[] for _ in range(n + 2)]
        self.rights: list[list[int]] = [[] for _ in range(n + 2)]

    def apply(self, move: int, label: str | None) -> None:
        stack = self.stack
        if move == SHIFT:
            stack.append(self.i)
            self.i += 1
        elif move == REDUCE:
            stack.pop()
        elif move == 2:  # left arc: s0 <- n0
            s0 = stack.pop()
            self.heads[s0] = self.i
            self.labels[s0] = label  # type: ignore[assignment]
            self.lefts[self.i].insert(0, s0)  # left children arrive nearest first
        else:  # right arc: s0 -> n0
            n0 = self.i
            s0 = stack[-1]
            self.heads[n0] = s0
            self.labels[n0] = label  # type: ignore[assignment]
            self.rights[s0].append(n0)
            stack.append(n0)
            self.i += 1

    def valid(self) -> tuple[bool, bool, bool, int]:
        """(shift, reduce, left, right) where right is 0 none, 1 root label only, 2 other labels."""
        s0 = self.stack[-1]
        buf = self.i <= self.n
        if s0 == 0:
            return buf, False, False, (1 if buf and not self.rights[0] else 0)
        has_head = self.heads[s0] != -1
        return buf, has_head, buf and not has_head, 2 if buf else 0

    def finish(self, tags: Sequence[str]) -> list[tuple[int, str]]:
        """Heads and labels, attaching what the transitions left unattached.

        The first headless token becomes the root if there is none; the rest
        attach to the root word ('punct' for punctuation, else 'dep').
        """
        n = self.n
        root = self.rights[0][0] if self.rights[0] else 0
        out = []
        for k in range(1, n + 1):
            h, lab = self.heads[k], self.labels[k]
            if h == -1:
                if root == 0:
                    root, h, lab = k, 0, "root"
                else:
                    h, lab = root, ("punct" if tags[k - 1] in _PUNCT_TAGS else "dep")
            out.append((h, lab))
        return out


def oracle(heads: Sequence[int], rels: Sequence[str]) -> list[tuple[int, str | None]]:
    """Static arc-eager oracle: the transitions that build a projective tree.

    Moves are 0 SHIFT, 1 REDUCE, 2 LEFT-ARC, 3 RIGHT-ARC (with a label).

    >>> oracle([2, 0], ["nsubj", "root"])
    [(0, None), (2, 'nsubj'), (3, 'root')]
    """
    n = len(heads)
    gh = [-1, *heads]
    pending = [0] * (n + 1)  # children of each token not yet attached
    for h in heads:
        pending[h] += 1
    st = _State(n)
    moves: list[tuple[int, str | None]] = []
    while st.i <= n:
        s0, n0 = st.stack[-1], st.i
        if s0 != 0 and gh[s0] == n0:
            mv: tuple[int, str | None] = (2, rels[s0 - 1])
        elif gh[n0] == s0:
            mv = (3, rels[n0 - 1])
        elif s0 != 0 and st.heads[s0] != -1 and pending[s0] == 0:
            mv = (REDUCE, None)
        else:
            mv = (SHIFT, None)
        if mv[0] == 2:
            pending[n0] -= 1
        elif mv[0] == 3:
            pending[s0] -= 1
        moves.append(mv)
        st.apply(*mv)
    return moves


def features(st: _State, words: Sequence[str], tags: Sequence[str]) -> list[str]:
    """Feature names of a parser state (``words``/``tags`` have the root at 0 and a null at -1)."""
    stack, heads, labels, lefts, rights = st.stack, st.heads, st.labels, st.lefts, st.rights
    s0 = stack[-1]
    s1 = stack[-2] if len(stack) > 1 else -1
    n = st.n
    i = st.i
    n0 = i if i <= n else -1
    n1 = i + 1 if i + 1 <= n else -1
    n2 = i + 2 if i + 2 <= n else -1
    s0h = heads[s0]
    s0h2 = heads[s0h]
    L, R, N0L = lefts[s0], rights[s0], lefts[n0]
    s0l = L[0] if L else -1
    s0l2 = L[1] if len(L) > 1 else -1
    s0r = R[-1] if R else -1
    s0r2 = R[-2] if len(R) > 1 else -1
    n0l = N0L[0] if N0L else -1
    n0l2 = N0L[1] if len(N0L) > 1 else -1
    s0w, s0p = words[s0], tags[s0]
    n0w, n0p = words[n0], tags[n0]
    n1w, n1p = words[n1], tags[n1]
    n2w, n2p = words[n2], tags[n2]
    s0wp = s0w + "/" + s0p
    n0wp = n0w + "/" + n0p
    s0hp, s0lp, s0rp, n0lp = tags[s0h], tags[s0l], tags[s0r], tags[n0l]
    d = str(min(n0 - s0, 5)) if n0 != -1 else "x"
    vl, vr, nvl = str(len(L)), str(len(R)), str(len(N0L))
    sls = "|".join(sorted({labels[c] for c in L}))
    srs = "|".join(sorted({labels[c] for c in R}))
    nls = "|".join(sorted({labels[c] for c in N0L}))
    s0pn0p = s0p + " " + n0p
    return [
        "bias",
        "a" + s0wp, "b" + s0w, "c" + s0p, "d" + n0wp, "e" + n0w, "f" + n0p,
        "g" + n1w + "/" + n1p, "h" + n1w, "i" + n1p, "j" + n2w + "/" + n2p, "k" + n2w, "l" + n2p,
        "m" + s0wp + " " + n0wp, "n" + s0wp + " " + n0w, "o" + s0w + " " + n0wp, "p" + s0wp + " " + n0p,
        "q" + s0p + " " + n0wp, "r" + s0w + " " + n0w, "s" + s0pn0p, "t" + n0p + " " + n1p,
        "u" + n0p + " " + n1p + " " + n2p, "v" + s0pn0p + " " + n1p, "w" + s0hp + " " + s0pn0p,
        "x" + s0p + " " + s0lp + " " + n0p, "y" + s0p + " " + s0rp + " " + n0p, "z" + s0pn0p + " " + n0lp,
        "A" + s0w + " " + d, "B" + s0p + " " + d, "C" + n0w + " " + d, "D" + n0p + " " + d,
        "E" + s0w + " " + n0w + " " + d, "F" + s0pn0p + " " + d,
        "G" + s0w + " " + vr, "H" + s0p + " " + vr, "I" + s0w + " " + vl, "J" + s0p + " " + vl,
        "K" + n0w + " " + nvl, "L" + n0p + " " + nvl,
        "M" + words[s0h], "N" + s0hp, "O" + labels[s0], "P" + words[s0l], "Q" + s0lp, "R" + labels[s0l],
        "S" + words[s0r], "T" + s0rp, "U" + labels[s0r], "V" + words[n0l], "W" + n0lp, "X" + labels[n0l],
        "Y" + words[s0h2], "Z" + tags[s0h2], "0" + labels[s0h], "1" + words[s0l2], "2" + tags[s0l2],
        "3" + labels[s0l2], "4" + words[s0r2], "5" + tags[s0r2], "6" + labels[s0r2], "7" + words[n0l2],
        "8" + tags[n0l2], "9" + labels[n0l2],
        "!" + s0p + " " + s0lp + " " + tags[s0l2], "@" + s0p + " " + s0rp + " " + tags[s0r2],
        "#" + s0p + " " + s0hp + " " + tags[s0h2], "$" + n0p + " " + n0lp + " " + tags[n0l2],
        "%" + s0w + " " + srs, "^" + s0p + " " + srs, "&" + s0w + " " + sls, "*" + s0p + " " + sls,
        "(" + n0w + " " + nls, ")" + n0p + " " + nls,
        "_" + tags[s1], "+" + words[s1] + "/" + tags[s1], "=" + tags[s1] + " " + s0pn0p,
        "~" + labels[s0] + " " + s0pn0p, "?" + s0p + " " + labels[s0] + " " + n0w,
    ]


def _padded(words: Sequence[str], tags: Sequence[str]) -> tuple[list[str], list[str]]:
    return [_ROOT, *map(_word_feature, words), _NULL], [_ROOT, *tags, _NULL]


# --- parser ----------------------------------------------------------------
class DependencyParser:
    """Greedy arc-eager parser with UD relations (see the module docstring).

    >>> p = DependencyParser.load()  # the shipped EWT model
    >>> [h for h, _ in p.parse(["Militants", "attacked", "the", "post", "."], ["NNS", "VBD", "DT", "NN", "."])]
    [2, 0, 4, 2, 2]
    """

    def __init__(self, labels: Sequence[str], features: Sequence[str], counts: np.ndarray, classes: np.ndarray,
                 values: np.ndarray, *, scale: float = 4.0, name: str = MODEL_NAME,
                 meta: dict[str, Any] | None = None) -> None:
        """A parser from its sparse integer weights (what the model file holds).

        Feature ``features[k]`` has ``counts[k]`` non-zero weights; their
        classes and values are the next ``counts[k]`` entries of ``classes``
        and ``values`` (features in order, classes ascending; the sparse
        form of the weight matrix). Classes are
        0 SHIFT, 1 REDUCE, 2 + j LEFT-ARC and 2 + len(labels) + j RIGHT-ARC
        with ``labels[j]``; a value is ``round(weight * scale)``.
        """
        self.labels: list[str] = list(labels)
        self.name = name
        self.scale = float(scale)
        self.meta: dict[str, Any] = dict(meta or {})
        nl = len(self.labels)
        self._n_classes = C = 2 + 2 * nl
        K = len(features)
        counts = np.asarray(counts).astype(np.intp, copy=False)
        classes = np.asarray(classes).astype(np.intp, copy=False)
        values = np.asarray(values)
        if counts.shape != (K,) or classes.shape != values.shape or int(counts.sum()) != len(values) \
                or (len(classes) and not (0 <= classes.min() and classes.max() < C)):
            raise ValueError("parser weights do not match the feature and label lists")
        flat = np.repeat(np.arange(K, dtype=np.intp) * C, counts) + classes
        # Each (feature, class) once, in order, and no zeros: the file is the
        # matrix's one sparse form, so saving what was loaded gives its bytes.
        if (len(flat) > 1 and not (np.diff(flat) > 0).all()) or np.count_nonzero(values) != len(values):
            raise ValueError("parser weights must be non-zero, by feature then class, each pair once")
        # Unknown features map to the last row, which is all zeros.
        self._fix = _Index(zip(features, range(K)))
        self._fix.zero = K
        if len(self._fix) != K:
            raise ValueError("duplicate feature names in the parser model")
        # Weights are integers (round(weight * scale)): sums are exact, so a
        # sentence parses the same whichever batch it is in.
        dtype = np.int16 if not len(values) or np.abs(values).max() < 2**15 else np.int32
        W = _zeros((K + 1, C), dtype)
        W.reshape(-1)[flat] = values
        self._W = W
        self._source: bytes | None = None
        masks = _masks(self.labels)
        self._mask_row = {k: r for r, k in enumerate(masks)}
        self._masks = np.stack([np.where(np.isfinite(m), 0, -(2**30)) for m in masks.values()]).astype(np.int32)

    # --- io ------------------------------------------------------------------
    @classmethod
    def from_bytes(cls, raw: bytes) -> DependencyParser:
        """A parser from a model file's bytes (see :meth:`to_bytes` for the format)."""
        model = modelfile.loads(raw)
        if model.get("format") != _FORMAT or model.get("format_version") != _FORMAT_VERSION:
            raise ValueError("not a presslens arc-eager parser model (format or format_version mismatch)")
        w = model["weights"]
        parser = cls(model["labels"], model["features"], modelfile.decode_array(w["counts"]),
                     modelfile.decode_array(w["classes"]), modelfile.decode_array(w["values"]),
                     scale=model["scale"], name=model.get("name", MODEL_NAME), meta=model.get("meta", {}))
        parser._source = raw
        return parser

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> DependencyParser:
        """Read a model file (default: the shipped EWT model)."""
        return cls.from_bytes(Path(path or MODEL_PATH).read_bytes())

    def sparse_weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(counts, classes, values)`` as the constructor takes them, read off the weight matrix."""
        W = self._W[:-1]
        rows, classes = np.nonzero(W)
        counts = np.bincount(rows, minlength=len(W))
        return counts, classes, W[rows, classes]

    def to_bytes(self) -> bytes:
        """The model file's bytes, encoded afresh from the weights in memory.

        Gzip-compressed JSON (:mod:`presslens.resources.modelfile`): ``labels``,
        ``features`` (row order), ``scale``, ``name``, ``meta`` and
        ``weights``, whose ``counts`` (uint8, one per feature), ``classes``
        (uint8) and ``values`` (int16) are base64 arrays as the constructor
        takes them. The same model gives the same bytes.
        """
        counts, classes, values = self.sparse_weights()
        C = self._n_classes
        small = np.uint8 if C < 256 else np.uint16  # counts reach C, classes C - 1
        wide = np.int16 if not len(values) or np.abs(values).max() < 2**15 else np.int32
        model = {
            "format": _FORMAT, "format_version": _FORMAT_VERSION, "name": self.name, "labels": self.labels,
            "features": list(self._fix), "scale": self.scale, "meta": self.meta,
            "weights": {"counts": modelfile.encode_array(counts.astype(small)),
                        "classes": modelfile.encode_array(classes.astype(small)),
                        "values": modelfile.encode_array(values.astype(wide))},
        }
        return modelfile.dumps(model)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model file (same model, same bytes)."""
        raw = self.to_bytes()
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(raw)
        self._source = raw

    @property
    def version(self) -> str:
        """Model name and the first 12 hex digits of the model file's SHA-256."""
        if self._source is None:
            self._source = self.to_bytes()
        digest = hashlib.sha256(self._source).hexdigest()[:12]
        return f"{self.name} sha256:{digest}"

    @property
    def info(self) -> dict[str, Any]:
        """Training provenance and figures recorded in the model file."""
        return dict(self.meta)

    @property
    def n_features(self) -> int:
        """Number of features with weights."""
        return len(self._fix)

    @property
    def n_weights(self) -> int:
        """Number of non-zero weights."""
        return int(np.count_nonzero(self._W))

    def __repr__(self) -> str:
        return f"<DependencyParser {self.version}>"

    # --- parsing -------------------------------------------------------------
    def parse(self, words: Sequence[str], tags: Sequence[str]) -> list[tuple[int, str]]:
        """``(head, deprel)`` per token; heads 1-based, 0 for the root.

        ``tags`` are Penn Treebank tags, best from presslens's tagger.

        >>> default_parser().parse(["Turkey", "hosted", "talks"], ["NNP", "VBD", "NNS"])
        [(2, 'nsubj'), (0, 'root'), (2, 'obj')]
        """
        return self._parse_batch([(words, tags)])[0]

    def parse_sents(self, sents: Sequence[Sequence[str]],
                    tags: Sequence[Sequence[str]] | None = None) -> list[list[tuple[int, str]]]:
        """Parse many sentences (faster than one by one); without ``tags`` they are tagged first.

        The default tagger tags them; the result is the same as parsing each
        sentence alone.

        >>> default_parser().parse_sents([["Kabul", "denied", "it", "."]])
        [[(2, 'nsubj'), (0, 'root'), (2, 'obj'), (2, 'punct')]]
        """
        if tags is None:
            from presslens.syntax.tagger import default_tagger

            tags = default_tagger().tag_sents([list(s) for s in sents])
        if len(tags) != len(sents):
            raise ValueError(f"{len(sents)} sentences but {len(tags)} tag lists")
        out: list[list[tuple[int, str]]] = []
        pairs = list(zip(sents, tags))
        for a in range(0, len(pairs), self.BATCH):
            out.extend(self._parse_batch(pairs[a : a + self.BATCH]))
        return out

    #: Sentences stepped through together: numpy's per-call cost is shared
    #: by all of them, Python's feature extraction is not.
    BATCH = 64

    def _parse_batch(self, batch: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[list[tuple[int, str]]]:
        states: list[_State] = []
        padded: list[tuple[list[str], list[str]]] = []
        for words, tags in batch:
            if len(words) != len(tags):
                raise ValueError(f"{len(words)} words but {len(tags)} tags")
            states.append(_State(len(words)))
            padded.append(_padded(words, tags))
        fix = self._fix.__getitem__
        W, masks, mask_row, labels = self._W, self._masks, self._mask_row, self.labels
        nl = len(labels)
        active = [k for k, st in enumerate(states) if st.n]
        while active:
            ids: list[int] = []
            rows = []
            for k in active:
                st = states[k]
                ids += map(fix, features(st, *padded[k]))
                rows.append(mask_row[st.valid()])
            M = np.array(ids, dtype=np.intp).reshape(len(active), -1)
            scores = W[M].sum(axis=1, dtype=np.int32) + masks[rows]  # no overflow: 80 * 2**15 << 2**30
            still = []
            for k, c in zip(active, scores.argmax(axis=1).tolist()):
                st = states[k]
                if c < 2:
                    st.apply(c, None)
                elif c < 2 + nl:
                    st.apply(2, labels[c - 2])
                else:
                    st.apply(3, labels[c - 2 - nl])
                if st.i <= st.n:
                    still.append(k)
            active = still
        return [st.finish(tags) for st, (_, tags) in zip(states, batch)]


def _zeros(shape: tuple[int, int], dtype: type) -> np.ndarray:
    """A zero matrix in memory that numpy does not ask the kernel to back with huge pages.

    numpy advises transparent huge pages for arrays over 4 MB; where the
    kernel has to compact memory to find them, the first write to the
    parser's ~100 MB matrix costs several times more CPU (0.22 s against
    0.04 s measured) and scoring is no faster. A private anonymous mapping
    is zero-filled by the kernel, in one go where it can (MAP_POPULATE).
    """
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    private, anonymous = getattr(mmap, "MAP_PRIVATE", None), getattr(mmap, "MAP_ANONYMOUS", None)
    if nbytes == 0 or private is None or anonymous is None:  # (Windows has no such flags)
        return np.zeros(shape, dtype)
    buf = mmap.mmap(-1, nbytes, flags=private | anonymous | getattr(mmap, "MAP_POPULATE", 0))
    return np.frombuffer(buf, dtype=dtype).reshape(shape)


class _Index(dict):
    """Feature name -> weight row; unknown names give the all-zero row."""

    zero = 0

    def __missing__(self, key: str) -> int:
        return self.zero


def _masks(labels: Sequence[str]) -> dict[tuple[bool, bool, bool, int], np.ndarray]:
    """Additive score masks (0 or -inf) for each validity pattern of a state."""
    nl = len(labels)
    root = labels.index("root") if "root" in labels else -1
    out = {}
    for sh in (False, True):
        for re_ in (False, True):
            for le in (False, True):
                for ri in (0, 1, 2):
                    m = np.full(2 + 2 * nl, -np.inf, dtype=np.float32)
                    if sh:
                        m[SHIFT] = 0
                    if re_:
                        m[REDUCE] = 0
                    if le:
                        m[2 : 2 + nl] = 0
                        if root >= 0:
                            m[2 + root] = -np.inf
                    if ri == 2:
                        m[2 + nl :] = 0
                        if root >= 0:
                            m[2 + nl + root] = -np.inf
                    elif ri == 1 and root >= 0:
                        m[2 + nl + root] = 0
                    if not np.isfinite(m).any():
                        m[SHIFT] = 0  # cannot happen while the buffer is non-empty
                    out[(sh, re_, le, ri)] = m
    return out


@lru_cache(maxsize=1)
def default_parser() -> DependencyParser:
    """The shipped EWT model, loaded once per process."""
    return DependencyParser.load()


# --- evaluation helpers ------------------------------------------------------
def attachment_scores(gold: Sequence[Sequence[tuple[int, str]]],
                      pred: Sequence[Sequence[tuple[int, str]]]) -> dict[str, float | int]:
    """UAS and LAS over all tokens (punctuation included, as in CoNLL 2018).

    >>> attachment_scores([[(0, "root"), (1, "obj")]], [[(0, "root"), (1, "iobj")]])
    {'uas': 1.0, 'las': 0.5, 'tokens': 2}
    """
    n = u = la = 0
    for g, p in zip(gold, pred):
        for (gh, gl), (ph, pl) in zip(g, p):
            n += 1
            if gh == ph:
                u += 1
                la += gl == pl
    return {"uas": u / n if n else 0.0, "las": la / n if n else 0.0, "tokens": n}
