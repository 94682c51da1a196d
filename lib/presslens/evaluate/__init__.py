"""Scoring presslens against gold annotations: shared matching and metrics.

One submodule per layer (``pos``-style accuracy lives with the tagger;
``hedges``, ``attribution``, ...). They all report in one JSON shape::

    {"cue": {"exact": {"precision": .., "recall": .., "f1": .., "n_gold": .., "n_pred": ..},
             "overlap": {...}}}

>>> round(prf(8, 10, 9)["f1"], 4)
0.8421
>>> overlaps((0, 10), (5, 12))
True
"""

from __future__ import annotations

from collections.abc import Sequence

Span = tuple[int, int]


def prf(tp: int, n_pred: int, n_gold: int, tp_gold: int | None = None) -> dict[str, float | int]:
    """Precision, recall and F1 from counts.

    ``tp`` counts matched predictions; ``tp_gold`` matched gold items when
    that differs (overlap matching can pair one prediction with two gold spans).
    """
    tp_gold = tp if tp_gold is None else tp_gold
    p = tp / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "n_gold": n_gold, "n_pred": n_pred}


def overlaps(a: Span, b: Span, min_share: float = 0.5) -> bool:
    """Overlap match: shared characters are at least ``min_share`` of each span."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    if shared <= 0:
        return False
    return shared >= min_share * (a[1] - a[0]) and shared >= min_share * (b[1] - b[0])


def match_spans(pred: Sequence[Span], gold: Sequence[Span], mode: str = "exact") -> dict[str, float | int]:
    """Score predicted spans against gold spans (``mode``: exact or overlap)."""
    if mode == "exact":
        gold_set, pred_set = set(gold), set(pred)
        tp = len(gold_set & pred_set)
        return prf(tp, len(pred), len(gold))
    matched_pred = sum(any(overlaps(p, g) for g in gold) for p in pred)
    matched_gold = sum(any(overlaps(p, g) for p in pred) for g in gold)
    return prf(matched_pred, len(pred), len(gold), matched_gold)


def binary_scores(pred: Sequence[bool], gold: Sequence[bool]) -> dict[str, float | int]:
    """P/R/F1 of the positive class plus accuracy, for sentence-level decisions."""
    tp = sum(p and g for p, g in zip(pred, gold))
    out = prf(tp, sum(pred), sum(gold))
    out["accuracy"] = sum(p == g for p, g in zip(pred, gold)) / len(gold) if gold else 0.0
    out["n_items"] = len(gold)
    return out
