"""Hedging measures: plain functions from the hedge and booster layers to tidy tables.

:func:`hedged_claims` (one row per claim = body sentence) and
:func:`hedge_measures` (one row per measure).
"""

from __future__ import annotations


from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from presslens.document.spans import Document
from presslens.syntax.segment import word_char_counts
from presslens.hedging.annotate import _sentence_tokens
from presslens.pipeline import require
from presslens.hedging.patterns import BOOSTER_CATEGORIES, HEDGE_CATEGORIES

def _within(table: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    return table[(table["start"] >= start) & (table["end"] <= end)]


def _overlapping(table: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    return table[(table["start"] < end) & (table["end"] > start)]


class _Spans:
    """A layer's offsets, for the per-sentence look-ups of the measures.

    Boolean indexing of a DataFrame per sentence costs far more than the
    measures themselves; the tables are sorted by ``(start, end)``, so the
    spans inside each sentence are a contiguous candidate range (found for
    all sentences in one binary search), then filtered on ``end``: the same
    rows in the same order.
    """

    __slots__ = ("start", "end", "table")

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.start = table["start"].to_numpy(dtype=np.int64) if len(table) else np.empty(0, np.int64)
        self.end = table["end"].to_numpy(dtype=np.int64) if len(table) else np.empty(0, np.int64)

    def within_each(self, starts: np.ndarray, ends: np.ndarray) -> list[list[int]]:
        """For each ``[start, end)``: row positions of the spans with ``start <= span.start``, ``span.end <= end``."""
        if not len(self.start):
            return [[] for _ in range(len(starts))]
        lo = np.searchsorted(self.start, starts, side="left").tolist()
        hi = np.searchsorted(self.start, ends, side="right").tolist()
        end = self.end.tolist()
        return [[k for k in range(a, b) if end[k] <= e] for a, b, e in zip(lo, hi, ends.tolist())]

    def overlaps_each(self, starts: np.ndarray, ends: np.ndarray) -> list[bool]:
        """For each ``[start, end)``: does any span overlap it?"""
        if not len(self.start) or not len(starts):
            return [False] * len(starts)
        hit = (self.start[None, :] < ends[:, None]) & (self.end[None, :] > starts[:, None])
        return hit.any(axis=1).tolist()

    def column(self, name: str) -> list[Any]:
        return self.table[name].tolist() if len(self.table) else []


def hedged_claims(doc: Document) -> pd.DataFrame:
    """One row per claim (body sentence) with its hedges and boosters.

    Columns: ``doc_id, start, end, hedged, n_hedges, n_boosters,
    categories`` (sorted hedge categories), ``booster_categories``,
    ``n_words``, ``negated_hedges``, and when the layers exist ``attributed``
    (the sentence overlaps a span of the ``attribution`` layer) and
    ``parties`` (sorted party labels of ``mention`` spans inside it).

    >>> import presslens
    >>> doc = presslens.annotate_text("Headline here\\n\\nTalks could resume. They met.")
    >>> hedged_claims(doc)["hedged"].tolist()
    [True, False]
    """
    rows, columns = _claim_rows(doc)
    return pd.DataFrame(rows, columns=columns)


def _claim_rows(doc: Document) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows and columns of :func:`hedged_claims` (the measures read them without a DataFrame)."""
    require(doc, "hedge")
    hedges, boosters = _Spans(doc.layer("hedge")), _Spans(doc.layer("booster"))
    h_label, h_neg, b_label = hedges.column("label"), hedges.column("negated"), boosters.column("label")
    has_attr = "attribution" in doc.layers
    has_mention = "mention" in doc.layers
    attribution = _Spans(doc.layer("attribution")) if has_attr else None
    mentions = _Spans(doc.layer("mention")) if has_mention else None
    m_label = mentions.column("label") if mentions is not None else []
    count = word_char_counts(doc.text).tolist()  # is_word of a token: count[end] > count[start]
    body = [(s, e, tokens) for s, e, label, tokens in _sentence_tokens(doc) if label == "body"]
    starts = np.array([b[0] for b in body], dtype=np.int64)
    ends = np.array([b[1] for b in body], dtype=np.int64)
    in_hedges, in_boosters = hedges.within_each(starts, ends), boosters.within_each(starts, ends)
    attributed = attribution.overlaps_each(starts, ends) if attribution is not None else None
    in_mentions = mentions.within_each(starts, ends) if mentions is not None else None
    rows = []
    for j, (s, e, tokens) in enumerate(body):
        h, b = in_hedges[j], in_boosters[j]
        row: dict[str, Any] = {
            "doc_id": doc.doc_id, "start": s, "end": e,
            "hedged": bool(len(h)), "n_hedges": len(h), "n_boosters": len(b),
            "categories": sorted({h_label[i] for i in h}), "booster_categories": sorted({b_label[i] for i in b}),
            "negated_hedges": int(sum(h_neg[i] for i in h)) if len(h) else 0,
            "n_words": sum(count[te] > count[ts] for ts, te, _ in tokens),
        }
        if attributed is not None:
            row["attributed"] = attributed[j]
        if in_mentions is not None:
            row["parties"] = sorted({str(p) for p in (m_label[i] for i in in_mentions[j]) if p is not None})
        rows.append(row)
    columns = ["doc_id", "start", "end", "hedged", "n_hedges", "n_boosters", "categories",
               "booster_categories", "negated_hedges", "n_words"]
    columns += ["attributed"] * has_attr + ["parties"] * has_mention
    return rows, columns


def hedge_measures(doc: Document | Iterable[Document]) -> pd.DataFrame:
    """Tidy measures of one document (or several, pooled per document).

    Columns ``doc_id, measure, category, party, value, n``: ``n`` is the
    denominator (claims or words). Measures: ``claims``,
    ``hedged_claim_share``, ``hedges_per_100_words`` and
    ``boosters_per_100_words`` (category ``all`` and one row per category),
    ``hedge_booster_ratio``, ``hedged_share_attributed`` /
    ``hedged_share_unattributed`` (with an ``attribution`` layer) and
    ``hedged_share_party`` (with a ``mention`` layer, one row per party).
    Words are tokens holding a letter or digit in body sentences.

    >>> import presslens
    >>> doc = presslens.annotate_text("Talks could resume. They met.")
    >>> m = hedge_measures(doc)
    >>> m.loc[m.measure == "hedged_claim_share", "value"].item()
    0.5
    """
    if not isinstance(doc, Document):
        tables = [hedge_measures(d) for d in doc]
        return pd.concat(tables, ignore_index=True) if tables else _measure_frame([])
    return _measure_frame(hedge_measure_rows(doc))


def hedge_measure_rows(doc: Document) -> list[dict[str, Any]]:
    """The rows of :func:`hedge_measures` for one document, as mappings (no DataFrame built).

    >>> import presslens
    >>> rows = hedge_measure_rows(presslens.annotate_text("Talks could resume. They met."))
    >>> [r["value"] for r in rows if r["measure"] == "hedged_claim_share"]
    [0.5]
    """
    claims, columns = _claim_rows(doc)
    rows: list[dict[str, Any]] = []

    def add(measure: str, value: float, n: int, category: str | None = None, party: str | None = None) -> None:
        rows.append({"doc_id": doc.doc_id, "measure": measure, "category": category, "party": party, "value": value, "n": n})

    n_claims = len(claims)
    words = sum(c["n_words"] for c in claims)
    hedged = sum(c["hedged"] for c in claims)
    add("claims", float(n_claims), n_claims)
    add("hedged_claim_share", hedged / n_claims if n_claims else float("nan"), n_claims)
    body_start = np.array([c["start"] for c in claims], dtype=np.int64)
    body_end = np.array([c["end"] for c in claims], dtype=np.int64)

    def in_body(table: pd.DataFrame) -> list[Any]:
        # Labels of the spans inside some body sentence, in table order.
        if not n_claims or not len(table):
            return []
        st = table["start"].to_numpy(dtype=np.int64)[:, None]
        en = table["end"].to_numpy(dtype=np.int64)[:, None]
        mask = ((st >= body_start[None, :]) & (en <= body_end[None, :])).any(axis=1)
        labels = table["label"].tolist()
        return [lab for lab, keep in zip(labels, mask) if keep]

    def share(part: list[dict[str, Any]]) -> float:
        # The mean of a boolean column: an exact count over the length.
        return sum(c["hedged"] for c in part) / len(part)

    hedges, boosters = in_body(doc.layer("hedge")), in_body(doc.layer("booster"))
    per100 = (lambda k: 100 * k / words if words else float("nan"))
    add("hedges_per_100_words", per100(len(hedges)), words, "all")
    for cat in HEDGE_CATEGORIES:
        add("hedges_per_100_words", per100(sum(lab == cat for lab in hedges)), words, cat)
    add("boosters_per_100_words", per100(len(boosters)), words, "all")
    for cat in BOOSTER_CATEGORIES:
        add("boosters_per_100_words", per100(sum(lab == cat for lab in boosters)), words, cat)
    add("hedge_booster_ratio", len(hedges) / len(boosters) if len(boosters) else float("nan"), len(boosters))
    if "attributed" in columns:
        for flag, name in ((True, "hedged_share_attributed"), (False, "hedged_share_unattributed")):
            part = [c for c in claims if c["attributed"] == flag]
            add(name, share(part) if part else float("nan"), len(part))
    if "parties" in columns:
        parties = sorted({p for c in claims for p in c["parties"]})
        for party in parties:
            part = [c for c in claims if party in c["parties"]]
            add("hedged_share_party", share(part), len(part), party=party)
    return rows


def _measure_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "measure", "category", "party", "value", "n"])


__all__ = [
    "HEDGE_CATEGORIES", "BOOSTER_CATEGORIES", "Cue", "Entry", "HedgeLexicon", "default_lexicon",
    "add_hedges", "hedged_claims", "hedge_measures", "hedge_measure_rows", "inflections", "compile_pattern",
]


def hedged_claims_table(doc: Document, excerpt_chars: int = 150) -> pd.DataFrame:
    """Every hedged claim with its cues, for display: ``claim``, ``hedges``, ``boosters``.

    ``hedges`` lists each cue's text with its category, in order.

    >>> import presslens
    >>> doc = presslens.annotate_text("Talks could resume. They met.")
    >>> hedged_claims_table(doc).values.tolist()
    [['Talks could resume.', 'could (modal)', 0]]
    """
    from presslens.report.display import excerpt

    claims = hedged_claims(doc)
    hedges = doc.layer("hedge")
    rows = []
    for c in claims[claims["hedged"]].itertuples():
        cues = _within(hedges, c.start, c.end)
        rows.append({
            "claim": excerpt(doc.text[c.start:c.end], excerpt_chars),
            "hedges": "; ".join(f"{doc.text[s:e]} ({lab})" for s, e, lab in cues[["start", "end", "label"]].itertuples(index=False)),
            "boosters": int(c.n_boosters),
        })
    return pd.DataFrame(rows, columns=["claim", "hedges", "boosters"])
