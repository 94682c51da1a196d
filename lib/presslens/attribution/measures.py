"""Sourcing measures: plain functions from the attribution layer to tidy tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from presslens.attribution.sequences import _paragraph_index
from presslens.attribution.sources import SOURCE_TYPES
from presslens.document.spans import Document, is_missing

if TYPE_CHECKING:
    from presslens.framing.parties import PartyConfig

_EXCERPT = 80


def _excerpt(text: str, part: Any, limit: int = _EXCERPT) -> str | None:
    if not isinstance(part, dict):
        return None
    s = " ".join(text[part["start"]:part["end"]].split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "\u2026"


def _sentence_info(doc: Document) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Sentence starts, ends, labels and paragraph index of each sentence."""
    sents = doc.layer("sentence")
    starts = sents["start"].to_numpy()
    ends = sents["end"].to_numpy()
    labels = sents["label"].tolist()
    para = _paragraph_index(doc)
    return starts, ends, labels, np.asarray([para.get(i, 0) for i in range(len(starts))], dtype=int)


def attributions_table(doc: Document) -> pd.DataFrame:
    """One row per attribution: excerpts of source, cue and content, type, party, position.

    Columns: ``doc_id, start, end, source, cue, content, source_type,
    source_party, source_resolves_to, nested, sentence, paragraph,
    sentence_label`` (sentence and paragraph are 0-based row numbers of the
    ``sentence`` and ``paragraph`` layers; ``sentence_label`` is body or
    headline).

    >>> from presslens import annotate_text
    >>> doc = annotate_text("Officials said the talks failed. The border stayed shut.")
    >>> attributions_table(doc)[["source", "cue", "source_type", "sentence"]].values.tolist()
    [['Officials', 'said', 'unnamed_official', 0]]
    """
    data = _attribution_columns(doc)
    # Object columns holding None (never NaN) for absent values, as the
    # notebooks display them.
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})


_TABLE_COLUMNS = ("doc_id", "start", "end", "source", "cue", "content", "source_type", "source_party",
                  "source_resolves_to", "nested", "sentence", "paragraph", "sentence_label")


def _attribution_columns(doc: Document) -> dict[str, list[Any]]:
    """The columns of :func:`attributions_table` as lists (absent values None)."""
    table = doc.layer("attribution")
    if not len(table):
        return {c: [] for c in _TABLE_COLUMNS}
    starts, _, labels, para = _sentence_info(doc)
    para_l = para.tolist()

    def column(name: str) -> list[Any]:
        values = table[name].tolist() if name in table else [None] * len(table)
        return [None if is_missing(v) else v for v in values]

    cue, src, con = column("cue"), column("source"), column("content")
    sent = []
    for c, s_, t in zip(cue, src, con):
        anchor = c or s_ or t
        sent.append(int(np.searchsorted(starts, anchor["start"], "right") - 1) if len(starts) else 0)
    data = {  # in the order of _TABLE_COLUMNS
        "doc_id": [doc.doc_id] * len(table), "start": [int(v) for v in table["start"].tolist()],
        "end": [int(v) for v in table["end"].tolist()],
        "source": [_excerpt(doc.text, v) for v in src], "cue": [_excerpt(doc.text, v) for v in cue],
        "content": [_excerpt(doc.text, v) for v in con],
        "source_type": column("source_type"), "source_party": column("source_party"),
        "source_resolves_to": column("source_resolves_to"), "nested": [bool(v) for v in column("nested")],
        "sentence": sent, "paragraph": [para_l[si] if para_l else 0 for si in sent],
        "sentence_label": [labels[si] if labels else None for si in sent],
    }
    return data


def _source_key(resolves_to: str | None, source: str | None) -> str | None:
    """Who speaks, for counting distinct sources: the antecedent of a pronoun,
    else the source text, case- and article-folded ("The sources" = "sources")."""
    name = resolves_to or source
    if not name:
        return None
    words = name.lower().split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words) or None


def _counted(rows: dict[str, list[Any]], body: set[int]) -> list[int]:
    # Counted: attributions with a cue in a body sentence. A content with no
    # cue (a quotation running on) adds to the content share only.
    return [i for i, (si, cue) in enumerate(zip(rows["sentence"], rows["cue"])) if si in body and cue is not None]


def counted_attribution_rows(doc: Document) -> list[int]:
    """Positions (in the ``attribution`` layer) of the attributions every sourcing figure counts.

    Those whose cue lies in a body sentence: the headline and boilerplate
    count nowhere, and a content with no cue adds to the content share only.

    >>> from presslens import annotate_text
    >>> counted_attribution_rows(annotate_text("Sources said talks failed. It rained."))
    [0]
    """
    _, _, labels, _ = _sentence_info(doc)
    return _counted(_attribution_columns(doc), {i for i, lab in enumerate(labels) if lab == "body"})


def sourcing_measures(doc: Document, parties: "PartyConfig | None" = None) -> pd.DataFrame:
    """Tidy ``measure``/``value`` table of an article's sourcing (body text only).

    Headline and boilerplate sentences are excluded; attributions count
    when their cue lies in a body sentence (contents with no cue add to the
    content share only). Measures:

    - ``words``, ``body_sentences``, ``attributions``;
    - ``attributions_per_100_words``, ``attributions_per_body_sentence``;
    - ``share_body_sentences_with_attribution``;
    - ``share_body_chars_in_content`` (non-space characters inside any
      attributed content, over those of body sentences);
    - ``count_<type>`` and ``share_<type>`` for each source type (shares of
      attributions with a typed source);
    - ``anonymous_share`` (anonymous + unnamed_official), ``named_share``;
    - ``distinct_sources``;
    - ``voice_share_<party>`` (share of attributions whose source is of the
      party; ``parties`` gives the ids to report, else those seen);
    - ``count_agentless`` (attributions with no source, "it was reported");
    - ``position_first_third``, ``position_middle_third``,
      ``position_last_third`` (attributions by the paragraph's place among
      the body paragraphs) and ``mean_attribution_position`` (0 = first body
      paragraph, 1 = last); :func:`attributions_by_paragraph` gives the
      per-paragraph counts for charts.

    >>> from presslens import annotate_text
    >>> doc = annotate_text("Sources said talks failed. The weather was fine.")
    >>> m = sourcing_measures(doc).set_index("measure")["value"]
    >>> [float(m[k]) for k in ("attributions", "share_body_sentences_with_attribution", "anonymous_share")]
    [1.0, 0.5, 1.0]
    """
    from presslens.syntax.segment import body_counts

    starts, ends, labels, para = _sentence_info(doc)
    body = [i for i, lab in enumerate(labels) if lab == "body"]
    body_set = set(body)
    words = body_counts(doc).words
    rows = _attribution_columns(doc)
    keep = _counted(rows, body_set)
    n = len(keep)
    out: list[tuple[str, float]] = [
        ("words", float(words)),
        ("body_sentences", float(len(body))),
        ("attributions", float(n)),
        ("attributions_per_100_words", 100.0 * n / words if words else 0.0),
        ("attributions_per_body_sentence", n / len(body) if body else 0.0),
    ]
    # Sentences that carry an attribution: the cue's or content's sentence.
    with_attr: set[int] = set()
    full = doc.layer("attribution")
    covered = np.zeros(len(doc.text), dtype=bool)
    parts = [full[c].tolist() if c in full else [None] * len(full) for c in ("cue", "content")]
    for pair in zip(*parts):
        for part, sp in zip(("cue", "content"), pair):
            if isinstance(sp, dict):
                if part == "content":
                    covered[sp["start"]:sp["end"]] = True
                si = int(np.searchsorted(starts, sp["start"], "right") - 1)
                if si in body_set:
                    with_attr.add(si)
    out.append(("share_body_sentences_with_attribution", len(with_attr) / len(body) if body else 0.0))
    body_mask = np.zeros(len(doc.text), dtype=bool)
    for i in body:
        body_mask[starts[i]:ends[i]] = True
    nonspace = np.frombuffer(doc.text.encode("utf-32-le"), dtype=np.uint32) if doc.text else np.zeros(0, np.uint32)
    nonspace = ~np.isin(nonspace, [ord(c) for c in " \t\n\r\f\v\u00a0\u2009\u202f"])
    denom = int((body_mask & nonspace).sum())
    out.append(("share_body_chars_in_content", float((covered & body_mask & nonspace).sum()) / denom if denom else 0.0))
    # Plain lists from here: a handful of counts per article, where each
    # pandas operation would cost more than the counting.
    col = {c: [rows[c][i] for i in keep] for c in ("source_type", "source_resolves_to", "source", "source_party",
                                                   "paragraph")}
    typed = [t for t in col["source_type"] if not is_missing(t)]
    for stype in SOURCE_TYPES:
        c = typed.count(stype)
        out.append((f"count_{stype}", float(c)))
        out.append((f"share_{stype}", c / len(typed) if typed else 0.0))
    anon = sum(t in ("anonymous", "unnamed_official") for t in typed)
    out.append(("anonymous_share", anon / len(typed) if typed else 0.0))
    out.append(("named_share", typed.count("named_person") / len(typed) if typed else 0.0))
    out.append(("count_agentless", float(n - len(typed))))
    keys = {k for k in map(_source_key, col["source_resolves_to"], col["source"]) if k}
    out.append(("distinct_sources", float(len(keys))))
    party_ids = list(parties.ids) if parties is not None else sorted({p for p in col["source_party"] if p})
    for pid in party_ids:
        c = col["source_party"].count(pid)
        out.append((f"voice_share_{pid}", c / n if n else 0.0))
    # Position along the article: body paragraphs numbered 0..P-1.
    body_paras = sorted({int(para[i]) for i in body})
    rank = {p: k for k, p in enumerate(body_paras)}
    pos = [rank[p] / (len(body_paras) - 1) if len(body_paras) > 1 else 0.0
           for p in col["paragraph"] if p in rank]
    thirds = [0, 0, 0]
    for x in pos:
        thirds[min(int(x * 3), 2)] += 1
    for name, c in zip(("first_third", "middle_third", "last_third"), thirds):
        out.append((f"position_{name}", float(c)))
    out.append(("mean_attribution_position", float(np.mean(pos)) if pos else float("nan")))
    return pd.DataFrame(out, columns=["measure", "value"])


def attributions_by_paragraph(doc: Document) -> pd.DataFrame:
    """Attributions per body paragraph (``paragraph``, ``position``, ``attributions``), for position charts."""
    starts, _, labels, para = _sentence_info(doc)
    body_paras = sorted({int(para[i]) for i, lab in enumerate(labels) if lab == "body"})
    table = attributions_table(doc)
    if len(table):
        table = table[table["cue"].notna()]  # as in sourcing_measures
    counts = table["paragraph"].value_counts().to_dict() if len(table) else {}
    return pd.DataFrame({
        "paragraph": body_paras,
        "position": [k / (len(body_paras) - 1) if len(body_paras) > 1 else 0.0 for k in range(len(body_paras))],
        "attributions": [int(counts.get(p, 0)) for p in body_paras],
    })
