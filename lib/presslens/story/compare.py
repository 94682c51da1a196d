"""Same story, several outlets: the articles side by side, who speaks where, claims aligned, divergences.

:func:`compare_story` takes annotated articles about one event and returns a
:class:`StoryComparison`: one row of figures per article, every body
sentence as a claim unit (its voice, normalised source, hedges and the
parties' roles), the claims (units grouped by meaning across articles, one
sentence per article at most; claims of one outlet too) and the divergences
within each claim. :meth:`StoryComparison.metrics` is what ``metrics.json``
records.

>>> import presslens
>>> docs = [presslens.annotate_text(t, doc_id=i) for i, t in (
...     ("a", "The ministers signed a water-sharing accord in Geneva on Tuesday."),
...     ("b", "Officials said the ministers signed a water-sharing accord in Geneva on Tuesday."))]
>>> story = compare_story(docs)  # doctest: +SKIP
>>> [(c["articles"], [m["attributed_to"] for m in c["members"]]) for c in story.metrics()["claims"]]  # doctest: +SKIP
[(['a', 'b'], [None, 'unnamed officials'])]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from presslens.document.spans import Document
from presslens.story.align import THRESHOLD, align
from presslens.story.claims import MIN_WORDS, claim_units
from presslens.story.divergence import divergences
from presslens.story.measures import article_row
from presslens.story.sources import normalise_sources

if TYPE_CHECKING:
    from presslens.framing.parties import PartyConfig
    from presslens.story.embed import SentenceEncoder


@dataclass
class StoryComparison:
    """The comparison of several articles about one event (see :func:`compare_story`)."""

    articles: list[dict[str, Any]]
    units: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    divergences: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    threshold: float
    party_labels: dict[str, str] = field(default_factory=dict)

    def outlet(self, doc_id: str) -> str:
        return next((a["outlet"] for a in self.articles if a["doc_id"] == doc_id), doc_id)

    def shared_claims(self, min_articles: int = 2) -> list[dict[str, Any]]:
        """Claims carried by at least ``min_articles`` articles."""
        return [c for c in self.claims if len(c["articles"]) >= min_articles]

    def metrics(self) -> dict[str, Any]:
        """``articles``, ``claims`` (with members), ``divergences``, ``sources`` and ``threshold``, as JSON values."""
        claims = []
        for c in self.claims:
            members = [{"doc_id": u["doc_id"], "start": u["start"], "end": u["end"],
                        "attributed_to": u["source_label"], "source_type": u["source_type"],
                        "hedged": u["hedged"], "stance": u["stance"],
                        "roles": [{"party": p, "role": r} for _, _, p, r in u["roles"]]}
                       for u in (self.units[i] for i in c["members"])]
            claims.append({"id": c["id"], "text": c["text"], "articles": c["articles"], "members": members})
        divs = [{"claim": d["claim"], "kind": d["kind"], "detail": d["detail"], "party": d["party"],
                 "firm": [self.units[i]["doc_id"] for i in d["firm"]],
                 "weak": [self.units[i]["doc_id"] for i in d["weak"]]} for d in self.divergences]
        return {"articles": self.articles, "claims": claims, "divergences": divs, "sources": self.sources,
                "threshold": self.threshold}


def _source_rows(docs: Sequence[Document], parties: "PartyConfig | None") -> list[dict[str, Any]]:
    """Every attribution with a source, from every article, with the text of its source span."""
    rows = []
    for d in docs:
        for a in d.layer("attribution").to_dict("records") if "attribution" in d.layers else []:
            src = a.get("source")
            if not isinstance(src, dict) or int(src["end"]) <= int(src["start"]):
                continue
            text = " ".join(d.text[int(src["start"]):int(src["end"])].split())
            party = a.get("source_party") if isinstance(a.get("source_party"), str) else None
            if party is None and parties is not None:
                party = parties.party_of(text)
            resolved = a.get("source_resolves_to")
            rows.append({"doc_id": d.doc_id, "at": int(src["start"]), "source": text,
                         "source_type": a.get("source_type") if isinstance(a.get("source_type"), str) else None,
                         "source_party": party, "source_resolves_to": resolved if isinstance(resolved, str) else None})
    return rows


def unit_vectors(units: Sequence[dict[str, Any]], encoder: "SentenceEncoder") -> tuple[list[int], np.ndarray]:
    """The units long enough to align (indices) and their embeddings (the whole sentence: on the
    validation set it aligned as well as or better than the sentence without its source and cue)."""
    keep = [i for i, u in enumerate(units) if u["words"] >= MIN_WORDS]
    return keep, encoder.embed([units[i]["text"] for i in keep])


def align_units(units: Sequence[dict[str, Any]], keep: Sequence[int], vectors: np.ndarray,
                threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of unit indices (:func:`presslens.story.align.align` over the units in ``keep``)."""
    return [[keep[j] for j in g] for g in align(vectors, [units[i]["doc_id"] for i in keep], threshold)]


def compare_story(docs: Sequence[Document], parties: "PartyConfig | None" = None, threshold: float = THRESHOLD,
                  encoder: "SentenceEncoder | None" = None) -> StoryComparison:
    """Compare annotated articles about one event (two or more; each with its own ``doc_id``)."""
    if encoder is None:
        from presslens.story.embed import default_encoder

        encoder = default_encoder()
    labels = {p: parties.label(p) for p in parties.ids} if parties is not None else {}
    party_words = [a for p in parties.parties.values() for a, _ in p.aliases] if parties is not None else []
    rows = sorted((article_row(d, parties) for d in docs), key=lambda r: (r["date"], r["outlet"], r["doc_id"]))
    units = [u for d in docs for u in claim_units(d, parties)]
    # Sources, normalised over every attribution of every article.
    src_rows = _source_rows(docs, parties)
    norm = normalise_sources(src_rows, labels.get, party_words)
    by_span = {(r["doc_id"], r["at"]): s for r, s in zip(src_rows, norm)}
    for u in units:
        s = by_span.get((u["doc_id"], u["source_span"][0])) if u["source_span"] else None
        u["source_label"] = s.label if s else (None if not u["attributed"] else "no named source")
        u["source_key"] = s.key if s else None
    sources: dict[str, dict[str, Any]] = {}
    for r, s in zip(src_rows, norm):
        if s is not None:
            entry = sources.setdefault(s.key, {"label": s.label, "kind": s.kind, "party": s.party, "articles": Counter()})
            entry["articles"][r["doc_id"]] += 1
    source_list = sorted(({**v, "articles": dict(v["articles"])} for v in sources.values()),
                         key=lambda v: (-len(v["articles"]), -sum(v["articles"].values()), v["label"]))
    # Claims: long enough units aligned by meaning; the rest are claims of one article.
    keep, vectors = unit_vectors(units, encoder)
    groups = align_units(units, keep, vectors, threshold)
    position = {i: k for k, i in enumerate(keep)}
    claims, divs = [], []
    order = sorted(groups, key=lambda g: (-len(g), g[0]))
    for n, g in enumerate(order, 1):
        vec = vectors[[position[i] for i in g]]
        medoid = g[int(np.argmax((vec @ vec.T).sum(axis=1)))]
        cid = f"c{n}"
        claims.append({"id": cid, "text": units[medoid]["text"], "members": g,
                       "articles": [units[i]["doc_id"] for i in g]})
        for i in g:
            units[i]["claim"] = cid
        for d in divergences([units[i] for i in g], lambda p: labels.get(p, p)):
            divs.append({**d, "claim": cid, "firm": [g[k] for k in d["firm"]], "weak": [g[k] for k in d["weak"]]})
    return StoryComparison(rows, units, claims, divs, source_list, threshold, labels)
