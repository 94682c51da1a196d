"""The joint label set of the attribution taggers and its decoding.

PolNeAR's annotation is univocal (each token has one label: cue, source,
content or none), so one tag sequence per paragraph holds all three parts:
``O``, ``B-Q``/``I-Q`` (cue), ``B-S``/``I-S`` (source), ``B-C``/``I-C``
(content). A content interrupted by its cue and source ("X, he said, Y") is
labelled as its envelope: ``I-C`` may follow a cue or source token and then
continues the content begun before them. Every tagger decodes with Viterbi
under these constraints, so spans are always well formed.

>>> LABELS[:3]
('O', 'B-Q', 'I-Q')
>>> bool(allowed_transitions()[LABELS.index("O"), LABELS.index("I-S")])
False
>>> split_labels(["B-S", "B-Q", "B-C", "I-C"])
([(1, 2)], [(0, 1)], [(2, 4)])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from presslens.attribution.sequences import Seq

LABELS = ("O", "B-Q", "I-Q", "B-S", "I-S", "B-C", "I-C")


def allowed_transitions() -> np.ndarray:
    """``A[i, j]``: may label ``j`` follow label ``i``? (row ``len(LABELS)`` is the start)."""
    n = len(LABELS)
    a = np.ones((n + 1, n), dtype=bool)
    for j, lab in enumerate(LABELS):
        if lab == "I-Q":
            a[:, j] = False
            a[[LABELS.index("B-Q"), LABELS.index("I-Q")], j] = True
        elif lab == "I-S":
            a[:, j] = False
            a[[LABELS.index("B-S"), LABELS.index("I-S")], j] = True
        elif lab == "I-C":
            # A content goes on after itself, or after the cue or source
            # interrupting it (the envelope convention).
            a[:, j] = False
            a[[LABELS.index(x) for x in ("B-C", "I-C", "B-Q", "I-Q", "B-S", "I-S")], j] = True
    return a


def _viterbi_many(trans_all: np.ndarray, lp: np.ndarray, offs: np.ndarray) -> list[list[int]]:
    """Best label sequence of every ``lp[offs[i]:offs[i + 1]]`` under the BIO
    constraints (``trans_all``: transition scores, last row the start), all
    sequences a step at a time."""
    lengths = np.diff(offs)
    L = lp.shape[1]
    trans, start = trans_all[:L], trans_all[L]
    order = np.argsort(-lengths, kind="stable")
    order = order[lengths[order] > 0]
    score = np.zeros((len(lengths), L))
    score[order] = start + lp[offs[order]]
    back = np.zeros(lp.shape, dtype=np.int64)
    longest = int(lengths.max()) if len(lengths) else 0
    for t in range(1, longest):
        live = order[lengths[order] > t]
        rows = offs[live] + t
        cand = score[live][:, :, None] + trans
        back[rows] = cand.argmax(axis=1)
        score[live] = cand.max(axis=1) + lp[rows]
    best = np.zeros(len(lp), dtype=np.int64)
    best[offs[order] + lengths[order] - 1] = score[order].argmax(axis=1)
    for t in range(longest - 1, 0, -1):
        live = order[lengths[order] > t]
        rows = offs[live] + t
        best[rows - 1] = back[rows, best[rows]]
    flat = best.tolist()
    return [flat[offs[i]:offs[i + 1]] for i in range(len(lengths))]


def split_labels(labels: Sequence[str]) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """Token ranges ``[a, b)`` of cues, sources and contents from joint labels.

    A content resumed by ``I-C`` after a cue or source inside it is one
    envelope span.

    >>> split_labels(["B-C", "I-C", "B-S", "B-Q", "I-C", "O", "B-Q", "B-S"])
    ([(3, 4), (6, 7)], [(2, 3), (7, 8)], [(0, 5)])
    """
    def runs(kind: str) -> list[tuple[int, int]]:
        spans, start = [], None
        for i, y in enumerate(labels):
            if y == "B-" + kind or (y == "I-" + kind and start is None):
                if start is not None:
                    spans.append((start, i))
                start = i
            elif y != "I-" + kind and start is not None:
                spans.append((start, i))
                start = None
        if start is not None:
            spans.append((start, len(labels)))
        return spans

    contents: list[tuple[int, int]] = []
    start = last = None
    for i, y in enumerate(labels):
        if y == "B-C" or (y == "I-C" and start is None):
            if start is not None:
                contents.append((start, last + 1))
            start = last = i
        elif y == "I-C":
            last = i
        elif y in ("B-S", "I-S", "B-Q", "I-Q") and start is not None:
            continue  # the frame inside the content; it may resume
        elif start is not None:
            contents.append((start, last + 1))
            start = last = None
    if start is not None:
        contents.append((start, last + 1))
    return runs("Q"), runs("S"), contents


def joint_labels(seq: "Seq", cues: Sequence[tuple[int, int]], sources: Sequence[tuple[int, int]],
                 contents: Sequence[tuple[int, int]]) -> list[str]:
    """Gold joint labels from character spans: cue over source over content."""
    n = len(seq.starts)
    out = ["O"] * n
    for spans, kind in ((contents, "C"), (sources, "S"), (cues, "Q")):
        for s, e in spans:
            first = True
            for i in range(n):
                if s <= seq.starts[i] < e:
                    out[i] = ("B-" if first else "I-") + kind
                    first = False
    # A content token after a frame inside the same content stays I-C; a
    # frame after a content that does not resume leaves the content closed.
    return out
