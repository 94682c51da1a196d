"""Claim units: each body sentence of an article with its voice, its hedges and the parties' roles in it.

A sentence speaks in a source's voice when an attribution's cue lies in it,
or its attributed content covers it (a quotation running on); otherwise in
the reporter's own voice. Its *stance* sums up how firmly the outlet carries
it: ``flat`` (reporter's voice, no hedge), ``hedged``, ``anonymous``
(attributed to an anonymous source, an unnamed official or no one: "it was
reported") or ``named`` (attributed to a named person, institution, medium
or document).

>>> import presslens
>>> doc = presslens.annotate_text("Talks collapsed.\\n\\nOfficials said the border may reopen on Monday.")
>>> [(u["stance"], u["source"]) for u in claim_units(doc)]
[('flat', None), ('hedged', 'Officials')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from presslens.document.spans import Document, is_missing
from presslens.pipeline import require
from presslens.syntax.segment import iter_sentences

if TYPE_CHECKING:
    from presslens.framing.parties import PartyConfig

ANONYMOUS_TYPES = ("anonymous", "unnamed_official")
#: Sentences shorter than this many words are not aligned ("He said so.").
MIN_WORDS = 4
STANCES = ("flat", "hedged", "anonymous", "named")


def _span(value: Any) -> tuple[int, int] | None:
    if isinstance(value, dict) and int(value.get("end", 0)) > int(value.get("start", 0)):
        return int(value["start"]), int(value["end"])
    return None


def _governing_attribution(rows: list[dict[str, Any]], s: int, e: int) -> dict[str, Any] | None:
    """The attribution whose cue lies in the sentence, else the one whose content covers most of it."""
    best, best_cover = None, 0
    for r in rows:
        cue = _span(r.get("cue"))
        if cue and s <= cue[0] < e:
            return r
        con = _span(r.get("content"))
        if con:
            cover = min(e, con[1]) - max(s, con[0])
            if cover > best_cover and cover >= (e - s) // 2:
                best, best_cover = r, cover
    return best


def claim_units(doc: Document, parties: "PartyConfig | None" = None) -> list[dict[str, Any]]:
    """One mapping per body sentence of ``doc``.

    Keys: ``doc_id``, ``start``, ``end``, ``text`` (the sentence, as
    compared across articles), ``words``, ``stance``,
    ``hedged``, ``hedges`` (``[start, end, category]``), ``attributed``,
    ``source`` / ``source_type`` / ``source_party`` / ``source_resolves_to``
    (None in the reporter's voice), ``source_span`` and ``cue_span``
    (``[start, end]`` or None), ``roles`` (``[start, end, party, role]`` of
    each party mention that acts or is acted upon).
    """
    layers = ["hedge", "attribution"] + (["mention"] if parties is not None else [])
    require(doc, *layers, parties=parties)
    text = doc.text
    attrs = doc.layer("attribution").to_dict("records")
    hedges = [(int(s), int(e), str(lab)) for s, e, lab in doc.layer("hedge")[["start", "end", "label"]].itertuples(index=False)]
    mentions = doc.layer("mention").to_dict("records") if "mention" in doc.layers else []
    units = []
    for s, e, _ in iter_sentences(doc, ("body",)):
        a = _governing_attribution(attrs, s, e)
        src, cue = (_span(a.get("source")), _span(a.get("cue"))) if a else (None, None)
        h = [[hs, he, lab] for hs, he, lab in hedges if s <= hs and he <= e]
        stype = None if a is None or is_missing(a.get("source_type")) else str(a["source_type"])
        if h:
            stance = "hedged"
        elif a is None:
            stance = "flat"
        else:
            stance = "anonymous" if stype in ANONYMOUS_TYPES or src is None else "named"

        def value(key: str) -> Any:
            v = a.get(key) if a else None
            return None if is_missing(v) else v

        units.append({
            "doc_id": doc.doc_id, "start": s, "end": e, "text": " ".join(text[s:e].split()),
            "words": len(text[s:e].split()),
            "stance": stance, "hedged": bool(h), "hedges": h, "attributed": a is not None,
            "source": " ".join(text[src[0]:src[1]].split()) if src else None, "source_type": stype,
            "source_party": value("source_party"), "source_resolves_to": value("source_resolves_to"),
            "source_span": list(src) if src else None, "cue_span": list(cue) if cue else None,
            # A party naming the source speaks; it does not act in the claim.
            "roles": [[int(m["start"]), int(m["end"]), str(m["label"]), str(m["role"])] for m in mentions
                      if s <= int(m["start"]) < e and m.get("role") in ("agent", "patient")
                      and not bool(m.get("place_only"))
                      and not (src and src[0] <= int(m["start"]) < src[1])],
        })
    return units
