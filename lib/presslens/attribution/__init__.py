"""Attribution: who says what in an article, as stand-off relations.

Each attribution relates a **cue** (the reporting expression: "said",
"confirmed", "according to", "told reporters"), a **source** (who speaks, or
none for agentless passives) and a **content** (what is attributed). The
layer ``attribution`` holds one span per relation covering all its parts,
with the three parts as fields (``{"start", "end"}`` or None) plus the
source's type, party, nesting and pronoun antecedent.

How it works, over the tokens and POS tags of :mod:`presslens.syntax.segment` (one
sequence per paragraph, since quotations run on over sentences): a
bidirectional quasi-recurrent network (:mod:`presslens.attribution.rnn`,
trained on the train split of PolNeAR, Newell, Margolin & Ruths 2018, and
distilled from an ensemble of three such networks; see
``models/attribution_rnn.md`` and ``scripts/train_attribution_rnn.py``)
labels every token as cue, source, content or none in one pass, since
PolNeAR gives each token at most one of these roles (an accurate
transformer can take its place: :mod:`presslens.attribution.registry`).
Rules then link each cue to its source and content,
resolve pronoun sources to the previous source and type each source from the
lexicon ``lexicons/source_nouns.yml``. A few rules, indexed by token (no
regular expressions over sentences), add what the taggers learn poorly from
PolNeAR: reporting verbs of ``lexicons/reporting_verbs.yml`` followed by
"that", a colon or a quotation (often reports nested in another's content),
and the word orders of "according to X, ...", "..., said the minister" and
"..., he said, ...".

Conventions: a cue excludes leading connectives ("further indicated" ->
"indicated", "also noted" -> "noted") but keeps adverbs of manner and time
("repeatedly denied"); a quotation signed with a dash and a name on its own
line ('"..." ― Jane Doe') is an attribution with the dash as cue; a content interrupted by its cue and source is their envelope
(as PolNeAR's discontinuous contents are scored); a content no cue was found
for (a quotation running on) is kept with cue and source None, and counts in
the content share but not as an attribution in :func:`sourcing_measures`.

>>> from presslens import annotate_text
>>> from presslens.attribution.annotate import add_attributions
>>> doc = add_attributions(annotate_text("Talks resumed. Diplomatic sources said that talks would resume."))
>>> row = doc.layer("attribution").iloc[0]
>>> doc.span_text(row["cue"]["start"], row["cue"]["end"]), doc.span_text(row["source"]["start"], row["source"]["end"])
('said', 'Diplomatic sources')
>>> row["source_type"]
'anonymous'
"""
