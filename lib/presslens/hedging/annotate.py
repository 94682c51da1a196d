"""The hedging step: the ``hedge`` and ``booster`` layers of a document.
"""

from __future__ import annotations


from typing import Any

import numpy as np
import pandas as pd

from presslens.document.spans import Document
from presslens.hedging.lexicon import HedgeLexicon, default_lexicon

def _sentence_tokens(doc: Document) -> list[tuple[int, int, str, list[tuple[int, int, str | None]]]]:
    """Sentences ``(start, end, label)`` with their tokens ``(start, end, tag)``, in order."""
    sents = doc.layer("sentence")
    toks = doc.layer("token")
    if not len(sents):
        return []
    s_start, s_end, s_label = sents["start"].tolist(), sents["end"].tolist(), sents["label"].tolist()
    # Python lists sliced per sentence: numpy scalar indexing per token costs more than the matching.
    t_start_np = toks["start"].to_numpy()
    lo = np.searchsorted(t_start_np, s_start, side="left").tolist()
    hi = np.searchsorted(t_start_np, s_end, side="left").tolist()
    t_start, t_end, t_tag = toks["start"].tolist(), toks["end"].tolist(), toks["label"].tolist()
    return [(s, e, label, list(zip(t_start[a:b], t_end[a:b], t_tag[a:b])))
            for s, e, label, a, b in zip(s_start, s_end, s_label, lo, hi)]


def add_hedges(doc: Document, lexicon: HedgeLexicon | None = None) -> Document:
    """Add the layers ``hedge`` and ``booster`` to a segmented document.

    Every sentence except boilerplate is searched (the headline too: claims
    measures leave it out, but a reader may want it highlighted).

    >>> import presslens
    >>> doc = add_hedges(presslens.annotate_text("The talks could resume. It is set to take place."))
    >>> doc.texts("hedge")
    ['could']
    """
    lexicon = lexicon or default_lexicon()
    rows: dict[str, list[dict[str, Any]]] = {"hedge": [], "booster": []}
    for s, _e, label, tokens in _sentence_tokens(doc):
        if label == "boilerplate" or not tokens:
            continue
        for cue in lexicon.find(doc.text, tokens):
            rows[cue.kind].append({
                "start": cue.start, "end": cue.end, "label": cue.category,
                "negated": cue.negated, "entry": cue.entry, "sentence_start": s,
            })
    for layer, records in rows.items():
        table = doc.add_records(layer, records)
        if not len(records):  # keep the columns even when empty
            for col, dtype in (("negated", "bool"), ("entry", "object"), ("sentence_start", "int64")):
                table[col] = pd.Series(dtype=dtype)
    return doc
