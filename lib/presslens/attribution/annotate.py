"""The attribution step: tag a document's paragraphs, apply the rules, write the ``attribution`` layer.

Each span of the layer covers one whole relation, with its cue, source and
content as fields; see :mod:`presslens.attribution` for how the parts are
found and the conventions they follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from presslens.attribution.cues import _known_cue, _rule_cues, _trim_cue, reports_nothing
from presslens.attribution.linking import _complete_content, _constructions, _link, _shared_subject, _touch
from presslens.attribution.fixed_patterns import inverted_reports, naming_reports, quoted_as_saying
from presslens.attribution.quotes import _continue_quotes, _dash_attributions
from presslens.attribution.labels import split_labels
from presslens.attribution.registry import DEFAULT_MODEL, Tagger, load_model
from presslens.attribution.sequences import Seq, Span, _paragraph_index, _Rel, doc_sequences
from presslens.attribution.sources import SourceLexicon, _type_and_resolve, default_source_lexicon, relative_antecedent
from presslens.document.spans import Document, is_missing
from presslens.syntax.segment import segment

if TYPE_CHECKING:
    from presslens.framing.parties import PartyConfig


def tag_sequences(model: Tagger, seqs: Sequence[Seq]) -> list[tuple[list[Span], list[Span], list[Span]]]:
    """Token ranges of cues, sources and contents of every sequence."""
    return [split_labels(labels) for labels in model.tag(seqs)]


def tag_documents(docs: Sequence[Document], model: Tagger | None = None
                  ) -> list[tuple[list[Seq], list[tuple[list[Span], list[Span], list[Span]]]]]:
    """Paragraph sequences and their tagged cue, source and content ranges,
    for several segmented documents in one batch of the tagger.

    What :func:`add_attributions` computes first, for many documents at
    once (pass each document's item as its ``tagged``): the recurrent
    tagger's per-step work is shared by all their paragraphs. Each
    paragraph gets the labels it would get alone.
    """
    model = model or load_model(DEFAULT_MODEL)
    per_doc = [doc_sequences(doc) for doc in docs]
    tagged = tag_sequences(model, [seq for seqs in per_doc for seq in seqs])
    out, k = [], 0
    for seqs in per_doc:
        out.append((seqs, tagged[k:k + len(seqs)]))
        k += len(seqs)
    return out


def add_attributions(doc: Document, parties: "PartyConfig | None" = None, model: Tagger | None = None,
                     lexicon: SourceLexicon | None = None,
                     tagged: "tuple[list[Seq], list[tuple[list[Span], list[Span], list[Span]]]] | None" = None) -> Document:
    """Add the ``attribution`` layer to a document (segmenting it first if needed).

    Each span covers the whole relation; fields ``cue``, ``source`` and
    ``content`` are ``{"start", "end"}`` dicts (or None), ``source_type`` one
    of :data:`SOURCE_TYPES`, ``source_party`` a party id of ``parties`` (a
    :class:`presslens.parties.PartyConfig`) or None, ``nested`` whether the
    cue sits inside another attribution's content, ``source_resolves_to`` the
    antecedent text of a pronoun source. ``tagged`` is this document's item
    of :func:`tag_documents` when the tagging was done in a batch.

    >>> from presslens import annotate_text
    >>> doc = add_attributions(annotate_text("Officials met. The minister said talks failed. He added that more would follow."))
    >>> [(r["label"], r["source_type"], r["source_resolves_to"]) for r in doc.layer("attribution").to_dict("records")]
    [('attribution', 'unnamed_official', None), ('attribution', 'unnamed_official', 'The minister')]
    """
    lex = lexicon or default_source_lexicon()
    rels: list[_Rel] = []
    para_of_sent = _paragraph_index(doc)
    seqs, tags = tagged if tagged is not None else tag_documents([doc], model)[0]
    for seq, (cues, sources, contents) in zip(seqs, tags):
        cues = [_trim_cue(seq, c) for c in cues]
        # A signed quotation is complete as found; what the tagger made of
        # the same tokens gives way to it.
        signed = _dash_attributions(seq, doc.text) + inverted_reports(seq) + quoted_as_saying(seq)
        for triple in signed:
            cues, sources, contents = ([sp for sp in spans if not any(_touch(sp, t) for t in triple)]
                                       for spans in (cues, sources, contents))
        # A report nested in another ("condemned what he called provocations") takes its own
        # cue's tokens only: the outer content around it stays.
        naming = [t for t in naming_reports(seq) if not any(_touch(t[0], s[0]) for s in signed)]
        cues = [c for c in cues if not any(_touch(c, t[0]) or _touch(c, t[1]) for t in naming)]
        signed += naming
        signed_cues = {cue for cue, _, _ in signed}
        tagged = set(cues)
        cues = [c for c in _rule_cues(seq, cues) if c in tagged or not any(_touch(c, t[0]) for t in signed)]
        last_source: tuple[Span, int] | None = None  # the latest source of this paragraph and its sentence
        for cue, src, con in sorted(_link(seq, cues, sources, contents) + signed, key=lambda t: next(sp for sp in t if sp)):
            if cue is not None and cue in tagged and (not _known_cue(seq, cue) or reports_nothing(seq, cue)):
                continue  # not a reporting expression after all: the relation goes with it
            if cue is not None and cue not in signed_cues:
                src, con = _constructions(seq, cue, src, con, fill=cue not in tagged)
                con = _complete_content(seq, cue, con)
                if src is None and con is not None:
                    src = _shared_subject(seq, cue, last_source)
                if src is not None:
                    last_source = (src, seq.sent[cue[0]])
            if src is not None and not any(seq.tags[k].startswith(("NN", "PRP", "CD", "WP")) for k in range(*src)):
                src = None  # no noun, no one speaking: "raising hopes", "Kindly note"
            if src is None and con is None:
                continue  # a bare cue ("is expected") with nothing attributed
            def chars(sp: Span | None) -> Span | None:
                return (seq.starts[sp[0]], seq.ends[sp[1] - 1]) if sp else None

            anchor = cue or src or con
            assert anchor is not None
            sent = seq.sent[anchor[0]]
            rel = _Rel(chars(cue), chars(src), chars(con), sent, para_of_sent.get(sent, 0))
            if src:
                rel.source_toks = (seq.forms[src[0]:src[1]], seq.tags[src[0]:src[1]])
                rel.source_after = [seq.forms[k] for k in range(src[1], min(src[1] + 8, len(seq.forms)))
                                    if seq.sent[k] == seq.sent[src[0]]]
                rel.antecedent = relative_antecedent(seq, src)
            if cue:
                rel.cue_word = seq.words[cue[1] - 1]
            rels.append(rel)
    rels = _continue_quotes(doc, rels)
    rels.sort(key=lambda r: r.extent)
    # Nested: the whole relation lies inside another attribution's content.
    # A cue inside it whose own source or content reaches out of it ('... the
    # loophole," she said.') shows the other content overran, not a report
    # within a report: 27 of the 56 cues the cue-only test flagged on
    # PolNeAR dev (accurate model) are attributions of their own there.
    contents = [(o, o.content) for o in rels if o.content]
    for r in rels:
        if r.cue:
            lo, hi = r.extent
            r.nested = any(o is not r and c[0] <= lo and hi <= c[1] for o, c in contents)
    _type_and_resolve(doc, rels, lex, parties)
    records = []
    for r in rels:
        s, e = r.extent

        def part(sp: Span | None) -> dict[str, int] | None:
            return {"start": int(sp[0]), "end": int(sp[1])} if sp else None

        records.append({
            "start": s, "end": e, "label": "attribution",
            "cue": part(r.cue), "source": part(r.source), "content": part(r.content),
            "source_type": r.source_type, "source_party": r.source_party, "nested": bool(r.nested),
            "source_resolves_to": r.resolves_to,
        })
    table = doc.add_records("attribution", records)
    for col in ("cue", "source", "content", "source_type", "source_party", "source_resolves_to"):
        if col in table:
            # Keep None (not NaN) for absent values: the fields are JSON nulls.
            table[col] = pd.Series([None if is_missing(v) else v for v in table[col]], index=table.index, dtype=object)
    return doc


def annotate_attributions_text(text: str, doc_id: str = "text", parties: "PartyConfig | None" = None,
                               model: Tagger | None = None) -> Document:
    """Segment a raw text and add its attribution layer (used by the evaluation)."""
    return add_attributions(segment(Document(doc_id, text)), parties, model=model)
