"""Paragraph sequences: the tokens of a segmented document as the attribution taggers and rules read them.

A paragraph is the tagging unit, since quotations run on over sentences.
A :class:`Relation` is one attribution while the rules build it (token
ranges become character offsets when the layer is written).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from presslens.document.spans import Document
from presslens.syntax.segment import normalise_same_length

Span = tuple[int, int]


@dataclass
class Seq:
    """The tokens of one paragraph with what the features need."""

    starts: list[int]
    ends: list[int]
    words: list[str]  # lower-cased, quotes straightened
    forms: list[str]  # case kept
    tags: list[str]
    sent: list[int]  # sentence number within the document
    sent_first: list[bool]
    sent_last: list[bool]
    quote: list[int]  # 1 inside double quotes, else 0
    feats: list[list[str]] = field(default_factory=list)


_QUOTES = {'"', "``", "''"}


_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}


def doc_sequences(doc: Document, labels: Iterable[str] = ("body", "headline")) -> list[Seq]:
    """Paragraph sequences of a segmented document (tokens of wanted sentences).

    Only sentences labelled in ``labels`` are used; boilerplate never is.
    """
    wanted = set(labels)
    text = normalise_same_length(doc.text)
    sents = doc.layer("sentence")
    paras = doc.layer("paragraph")
    toks = doc.layer("token")
    t_start = toks["start"].to_numpy()
    t_start_l = t_start.tolist()
    t_end_l = toks["end"].to_numpy().tolist()
    # Per-token lists once per document; a sentence then adds slices of them.
    forms_all = [text[s:e] for s, e in zip(t_start_l, t_end_l)]
    words_all = [f.lower() for f in forms_all]
    tags_all = [str(t) for t in toks["label"].tolist()]
    s_start = sents["start"].to_numpy()
    s_end = sents["end"].to_numpy()
    s_label = sents["label"].tolist()
    s_lo = np.searchsorted(t_start, s_start, "left").tolist()
    s_hi = np.searchsorted(t_start, s_end, "left").tolist()
    p_lo = np.searchsorted(s_start, paras["start"].to_numpy(), "left").tolist()
    p_hi = np.searchsorted(s_start, paras["end"].to_numpy(), "left").tolist()
    seqs: list[Seq] = []
    for lo, hi in zip(p_lo, p_hi):
        seq = Seq([], [], [], [], [], [], [], [], [])
        inside = 0
        for si in range(lo, hi):
            if s_label[si] not in wanted:
                continue
            a, b = s_lo[si], s_hi[si]
            n = b - a
            if n <= 0:
                continue
            forms = forms_all[a:b]
            seq.starts.extend(t_start_l[a:b])
            seq.ends.extend(t_end_l[a:b])
            seq.forms.extend(forms)
            seq.words.extend(words_all[a:b])
            seq.tags.extend(tags_all[a:b])
            seq.sent.extend([si] * n)
            seq.sent_first.extend([True] + [False] * (n - 1))
            seq.sent_last.extend([False] * (n - 1) + [True])
            if '"' not in forms:
                seq.quote.extend([inside] * n)
                continue
            for form in forms:
                if form == '"':
                    inside = 1 - inside
                    seq.quote.append(2)
                else:
                    seq.quote.append(inside)
        if seq.starts:
            seqs.append(seq)
    return seqs


@dataclass
class _Rel:
    cue: Span | None
    source: Span | None
    content: Span | None
    sent: int
    para: int
    source_toks: tuple[list[str], list[str]] = ([], [])
    source_type: str | None = None
    number: str = "sg"
    source_party: str | None = None
    nested: bool = False
    resolves_to: str | None = None
    cue_word: str = ""
    source_after: list[str] = field(default_factory=list)  # words after the source in its sentence
    antecedent: tuple[Span, list[str], list[str]] | None = None  # of a relative-pronoun source: chars, forms, tags

    @property
    def extent(self) -> Span:
        parts = [p for p in (self.cue, self.source, self.content) if p]
        return min(p[0] for p in parts), max(p[1] for p in parts)


def _paragraph_index(doc: Document) -> dict[int, int]:
    """Sentence row number -> paragraph row number."""
    p_start = doc.layer("paragraph")["start"].to_numpy()
    sents = doc.layer("sentence")["start"].to_numpy()
    if not len(p_start):
        return {}
    idx = np.maximum(np.searchsorted(p_start, sents, "right") - 1, 0)
    return dict(enumerate(idx.tolist()))
