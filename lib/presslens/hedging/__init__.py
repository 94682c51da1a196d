"""Hedges and boosters: how firmly an article asserts what it reports.

Cues come from a data lexicon (``lexicons/hedges.yml``: each entry a token
pattern, a category and a source citation). Matching works on the token
layer of one sentence at a time: cues are indexed by their first token, so a
sentence costs one dictionary look-up per token plus the few candidate
patterns that start there; no regular expression ever runs over the text.
Small disambiguation rules (named by the lexicon's ``check`` field) tell
"May" the month from the modal, "can" of ability from possibility, the "if"
of an indirect question from a condition, and so on.

Two layers result, ``hedge`` and ``booster``: ``label`` = category,
``negated`` (a negation inside or right around the cue: "could not possibly",
"is not expected to"), ``entry`` (the lexicon pattern that fired) and
``sentence_start`` (offset of the sentence holding the cue).

>>> import presslens
>>> from presslens.hedging.annotate import add_hedges
>>> doc = add_hedges(presslens.annotate_text("Talks could resume. Officials confirmed it."))
>>> doc.layer("hedge")[["start", "end", "label", "negated"]].values.tolist()
[[6, 11, 'modal', False]]

Measures are plain functions of a document's spans returning tidy tables:
:func:`~presslens.hedging.measures.hedged_claims` (one row per claim = body sentence) and
:func:`~presslens.hedging.measures.hedge_measures` (one row per measure).
"""
