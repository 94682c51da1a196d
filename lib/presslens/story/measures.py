"""One row per article: the figures of the three single-article reports, side by side.

The row's figures are the article reports' own (:func:`sourcing_measures`,
:func:`hedge_measure_rows`, :func:`party_measures`), so an article reads the
same here as in its own report. :func:`notable` marks the cells that differ
most from the other articles, so that the table is read by its differences.

>>> import presslens
>>> doc = presslens.annotate_text("Officials said talks could resume. Talks resumed.")
>>> row = article_row(doc)
>>> round(row["attributions_per_100_words"], 2), row["hedged_share"], row["outlet"]
(14.29, 0.5, 'text')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from presslens.attribution.measures import sourcing_measures
from presslens.document.spans import Document
from presslens.hedging.measures import hedge_measure_rows

if TYPE_CHECKING:
    from presslens.framing.parties import PartyConfig

#: The per-party figures of a row, with their labels on the page.
PARTY_FIGURES = {"mentions": "mentions", "agent_share": "acts", "patient_share": "acted upon",
                 "mean_tone": "mean tone", "voice_share": "voice"}
#: The article figures of a row, with their labels on the page.
ARTICLE_FIGURES = {"words": "words", "attributions_per_100_words": "attributions per 100 words",
                   "named_share": "named sources", "anonymous_share": "anonymous sources",
                   "hedged_share": "hedged sentences"}


def outlet_of(doc: Document) -> str:
    """The outlet from the input's metadata (JSONL/CSV ``outlet``, an HTML page's site name), else the document id."""
    value = doc.meta.get("outlet")
    return str(value).strip() if value not in (None, "") and str(value).strip() else doc.doc_id


def article_row(doc: Document, parties: "PartyConfig | None" = None) -> dict[str, Any]:
    """The figures of one article (body text only; shares in 0..1, NaN where there is nothing to share).

    Keys: ``doc_id``, ``outlet``, ``date``, ``title``, the keys of
    :data:`ARTICLE_FIGURES`, ``attributions``, and per party
    ``PARTY.mentions``, ``PARTY.agent_share``, ``PARTY.patient_share``,
    ``PARTY.mean_tone``, ``PARTY.voice_share``.
    """
    m = dict(sourcing_measures(doc, parties).itertuples(index=False, name=None))
    hedged = [r["value"] for r in hedge_measure_rows(doc) if r["measure"] == "hedged_claim_share"]
    attributed = m.get("attributions", 0.0)
    row: dict[str, Any] = {
        "doc_id": doc.doc_id, "outlet": outlet_of(doc),
        "date": str(doc.meta.get("date") or ""), "title": str(doc.meta.get("title") or ""),
        "words": int(m.get("words", 0)), "attributions": int(attributed),
        "attributions_per_100_words": float(m.get("attributions_per_100_words", 0.0)),
        "named_share": float(m["named_share"]) if attributed else float("nan"),
        "anonymous_share": float(m["anonymous_share"]) if attributed else float("nan"),
        "hedged_share": float(hedged[0]) if hedged else float("nan"),
    }
    if parties is not None:
        from presslens.framing.measures import party_measures

        for party, measure, value, _ in party_measures(doc, parties).itertuples(index=False, name=None):
            if measure in PARTY_FIGURES:
                row[f"{party}.{measure}"] = float(value)
    return row


def notable(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], min_spread: float = 0.15) -> set[tuple[int, str]]:
    """Cells ``(row index, column)`` worth a reader's eye: the highest and lowest of a column
    whose values spread by at least ``min_spread`` of the largest (shares: 15 points), with 3+ values;
    an extreme that a third or more of the articles share is not marked (it is no outlier).

    >>> sorted(notable([{"x": 0.1}, {"x": 0.5}, {"x": 0.2}], ["x"]))
    [(0, 'x'), (1, 'x')]
    >>> sorted(notable([{"x": 1.0}, {"x": 1.0}, {"x": 0.2}, {"x": 0.5}, {"x": 0.6}, {"x": 0.7}], ["x"]))
    [(2, 'x')]
    """
    out: set[tuple[int, str]] = set()
    for col in columns:
        vals = [(i, float(r[col])) for i, r in enumerate(rows)
                if isinstance(r.get(col), (int, float)) and r[col] == r[col]]
        if len(vals) < 3:
            continue
        lo, hi = min(v for _, v in vals), max(v for _, v in vals)
        scale = max(abs(lo), abs(hi), 1.0 if col.endswith("share") else 0.0)
        if scale and (hi - lo) >= min_spread * scale:
            for extreme in (lo, hi):
                at = [i for i, v in vals if v == extreme]
                if len(at) == 1 or len(at) < len(vals) / 3:
                    out |= {(i, col) for i in at}
    return out
