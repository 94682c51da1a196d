"""Party mentions: each party's name in the text, with its role (who acts, who is acted upon).

:func:`add_mentions` adds a ``mention`` layer: one span per party alias
occurrence (``label`` = party id) with the noun phrase around it and a
semantic ``role`` (``agent``/``patient``/``other``). Roles and the governing
verb come from the shipped dependency parser (:mod:`presslens.syntax.parser`): every
sentence holding a mention is parsed, and :func:`~presslens.syntax.roles.sentence_roles` reads the
role of each token off the parse -- the same function ``presslens evaluate
roles`` scores on the EWT treebank. A mention takes the role of its noun
phrase's head ("the Pakistani delegation" -> "delegation"). Word-order rules
over the Penn tags are kept only where the parse has no answer: ``anti-X``
compounds (the party is the target of the head noun), and nouns the parse
leaves without a usable relation. The governing verb's lemma carries Sap et
al.'s (2017) connotation frames of agency and power
(``lexicons/agency_power.csv``). Place uses ("in Pakistan", "Afghan soil")
are not actor mentions: they are left out unless ``keep_places=True`` (then
role ``other``, ``place_only``).

>>> from presslens import annotate_text
>>> from presslens.framing.parties import PartyConfig
>>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]},
...                                          "mil": {"label": "Militants", "aliases": ["militants"]}}})
>>> doc = add_mentions(annotate_text("Pakistan was attacked by militants."), cfg)
>>> doc.layer("mention")[["label", "role", "verb"]].values.tolist()
[['pk', 'patient', 'attack'], ['mil', 'agent', 'attack']]
"""

from __future__ import annotations


from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from presslens.framing.parties import PartyConfig
from presslens.document.spans import Document
from presslens.resources.verbs import agency_power_lexicon
from presslens.syntax.morphology import lemma
from presslens.syntax.roles import OTHER_ROLE, RoleCall, _Sent, _np_left, _np_right, sentence_roles

ROLES = ("agent", "patient", "other")


#: Prepositions that make a following alias a place (when the NP is a bare name).
_LOCATIVE = {"in", "inside", "within", "into", "across", "throughout", "at", "near", "on"}


#: Head nouns that make an alias modifier a place ("Afghan soil").
_PLACE_NOUNS = {"soil", "territory", "territories", "land", "lands", "border", "borders", "side", "region",
                "regions", "province", "provinces", "airspace", "ground", "city", "cities", "capital",
                "areas", "area", "frontier", "districts", "district", "villages", "village", "town"}


def add_mentions(doc: Document, parties: PartyConfig, keep_places: bool = False) -> Document:
    """Add the ``mention`` layer (segmenting ``doc`` first if it has no tokens).

    Fields: ``label`` (party id), ``alias``, ``np_start``/``np_end`` (noun
    phrase), ``stance`` (``anti``/``pro``/None), ``role``, ``verb`` (lemma
    of the governing verb for agents and patients), ``verb_agency`` and
    ``verb_power`` (+1/0/-1 from Sap et al. 2017, NaN when unlisted),
    ``place_only``, ``rule`` (which rule set the role), ``sentence``.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"m": {"label": "Mediators", "aliases": ["Qatar", "Türkiye"]}}})
    >>> doc = add_mentions(annotate_text("Qatar and Türkiye are mediating the talks."), cfg)
    >>> doc.layer("mention")[["label", "role", "verb"]].values.tolist()
    [['m', 'agent', 'mediate'], ['m', 'agent', 'mediate']]
    """
    text = doc.text
    tok = doc.layer("token")
    t_start = tok["start"].to_numpy()
    t_end = tok["end"].to_numpy()
    t_tag = tok["label"].tolist()
    lex = agency_power_lexicon()
    records: list[dict[str, Any]] = []
    sents = doc.layer("sentence")
    # Only sentences that mention a party are parsed (the parser is the
    # slowest step of the framing layer), all in one batch.
    todo: list[tuple[int, _Sent, list, list[str]]] = []
    for si, (ss, se, slabel) in enumerate(sents[["start", "end", "label"]].itertuples(index=False)):
        if slabel == "boilerplate":
            continue
        matches = parties.find(text, int(ss), int(se))
        if not matches:
            continue
        lo, hi = np.searchsorted(t_start, [ss, se], "left")
        s = _Sent(text, t_start[lo:hi].tolist(), t_end[lo:hi].tolist(), t_tag[lo:hi])
        if s.n:
            todo.append((si, s, matches, _forms(text, int(ss), int(se), s.starts, s.ends)))
    if todo:
        from presslens.syntax.parser import default_parser

        parses = default_parser().parse_sents([w for *_, w in todo], [s.tags for _, s, _, _ in todo])
    parsed: dict[int, tuple[list[tuple[int, int, str]], list[str], list[tuple[int, str]], tuple[int, int]]] = {}
    sent_bounds = sents[["start", "end"]].to_numpy()
    for (si, s, matches, words), arcs in zip(todo, parses if todo else []):
        parsed[si] = (list(zip(s.starts, s.ends, words)), s.tags, arcs,
                      (int(sent_bounds[si][0]), int(sent_bounds[si][1])))
        calls = sentence_roles(words, s.tags, arcs)
        for m in matches:
            # Tokens overlapping the alias (a hyphenated compound is one token).
            i = int(np.searchsorted(s.ends, m.alias_start, "right"))
            j = int(np.searchsorted(s.starts, m.end, "left"))
            if i >= j:
                continue
            a = _np_left(s, i) if s.starts[i] >= m.alias_start else i
            b = _np_right(s, j)
            head = s.words[b - 1]
            place = False
            if m.stance is None:
                if b > j and head in _PLACE_NOUNS:
                    place = True
                elif b == j and a == i and s.word(a - 1) in _LOCATIVE and s.tags[j - 1] in {"NNP", "NNPS"}:
                    place = True
                elif b == j and s.word(a - 1) in {"and", "or"} and s.word(a - 3) in _LOCATIVE | {"both"}:
                    place = s.word(a - 3) in _LOCATIVE or s.word(a - 4) in _LOCATIVE
                elif s.word(a - 1) == "both" and s.word(a - 2) in _LOCATIVE:
                    place = True
            if place and not keep_places:
                continue
            if place:
                role, v, rule = "other", None, "place"
            elif m.stance == "anti":
                # "anti-Pakistan attacks": the party is what the head noun is against.
                role, v, rule = "patient", None, "anti-compound"
            elif s.tag(b) == "POS":
                role, v, rule = "other", None, "possessor"
            elif m.end < s.ends[j - 1]:
                # The first part of a compound ("Pakistan-Afghan talks",
                # "US-led coalition") modifies a noun that is not the party.
                role, v, rule = "other", None, "compound-part"
            else:
                # The noun phrase's head speaks for the mention:
                # "the Pakistani delegation" acts when "delegation" does.
                role, v, rule = calls[b - 1]
                if role == OTHER_ROLE and rule in _INSIDE_A_PHRASE:
                    # The alias sits inside a larger noun phrase: UD heads a name on
                    # its first word ("Opposition leader Sara Malik"), an abbreviation
                    # in brackets is an apposition ("Rapid Support Forces (RSF)"),
                    # "Republic of Congo" and "None of the Pakistani aircraft" hang
                    # the alias under another noun. The phrase's head speaks for it.
                    role, v, rule = _phrase_head_call(calls, arcs, s, a, b)
            verb = lemma(s.words[v], s.tags[v]) if v is not None and s.tags[v].startswith("VB") else None
            if verb is None:
                v = None
                if role != "other" and rule != "anti-compound":
                    rule += " (no verb)"
            ag, pw = lex.get(verb, (None, None)) if verb else (None, None)
            np_start, np_end = min(s.starts[a], m.start), max(s.ends[_of_phrase_end(s.words, arcs, b)], m.end)
            if m.end < s.ends[j - 1]:
                # The alias is the first part of a compound ("Pakistan-Afghan
                # talks"): the noun phrase is not the party's.
                np_start, np_end = m.start, m.end
            records.append({
                "start": m.start, "end": m.end, "label": m.party, "alias": m.alias,
                "np_start": np_start, "np_end": np_end,
                "stance": m.stance, "role": role, "verb": verb,
                "verb_agency": np.nan if ag is None else float(ag),
                "verb_power": np.nan if pw is None else float(pw),
                "place_only": place, "rule": rule, "sentence": si,
            })
    _add_tone(doc, records, parsed)
    table = doc.add_layer("mention", records)
    for col in ("stance", "verb"):
        if col in table:
            table[col] = pd.Series([None if not isinstance(v, str) else v for v in table[col]],
                                   index=table.index, dtype=object)
    return doc


#: Relations of a word inside a noun phrase, not of the phrase in its clause.
_INSIDE_A_PHRASE = frozenset({"parse:flat", "parse:compound", "parse:appos", "parse:nmod", "parse:amod",
                              "parse:nummod", "parse:det"})
#: Relations that keep climbing from a word to the noun it belongs to.
_PHRASE_RELS = frozenset({"flat", "compound", "appos", "nmod", "amod", "nummod", "det"})


def _phrase_head_call(calls: Sequence[RoleCall], arcs: Sequence[tuple[int, str]], s: _Sent, a: int,
                      b: int) -> RoleCall:
    """The call of the noun a phrase-internal word belongs to: climb the parse from the phrase's words
    through noun-phrase relations (at most a few steps) to the first word with a role in its clause.

    An ``nmod`` climbs only through "of" ("Republic of Congo", "none of the jets"), never through a
    preposition that makes the party a circumstance ("talks with Kabul").
    """
    for t in range(b - 1, a - 1, -1):
        k, steps = t, 0
        while steps < 6:
            if calls[k][0] != OTHER_ROLE:
                return calls[k]
            h, rel = arcs[k]
            base = rel.split(":")[0]
            if h <= 0 or base not in _PHRASE_RELS or rel == "nmod:poss":
                break
            if base == "nmod" and not any(arcs[c][0] == k + 1 and arcs[c][1] == "case" and s.words[c] == "of"
                                          for c in range(len(arcs))):
                break
            k, steps = h - 1, steps + 1
    return calls[b - 1]


def _add_tone(doc: Document, records: list[dict[str, Any]], parsed: dict[int, tuple]) -> None:
    """Target-level tone of each mention: what its sentence says about, or does to, the party.

    The mention (with its anti-/pro- prefix: "anti-Pakistan attacks" is
    scored for Pakistan as the one attacked) is the target and its sentence
    the context, with the tokens, tags and parse the roles came from.
    Fields ``tone`` (negative/neutral/positive) and ``tone_score``
    (P(pos) - P(neg)).
    """
    if not records:
        return
    try:
        from presslens.framing.tone import default_tone_model
    except ImportError:  # the tone model is optional while it is being built
        return
    model = default_tone_model()
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for r in records:
        by_sentence.setdefault(r["sentence"], []).append(r)
    for si, recs in by_sentence.items():
        tokens, tags, arcs, ctx = parsed[si]
        calls = model.predict_tokens(doc.text, [(int(r["start"]), int(r["end"])) for r in recs], tokens, tags, ctx, arcs)
        for r, (label, score) in zip(recs, calls):
            r["tone"], r["tone_score"] = label, float(score)


def _of_phrase_end(words: Sequence[str], arcs: Sequence[tuple[int, str]], b: int) -> int:
    """Last token of the noun phrase ending at token ``b - 1``, with the "of" phrases the parse attaches
    to its head ("the Turkish Ministry *of Foreign Affairs*"); relative clauses stay out."""
    n = len(arcs)

    def descends(t: int, anc: int) -> bool:
        for _ in range(n):
            t = arcs[t][0] - 1
            if t == anc:
                return True
            if t < 0:
                return False
        return False

    head = end = b - 1
    while end + 1 < n and words[end + 1] == "of" and arcs[end + 1][1] == "case":
        noun = arcs[end + 1][0] - 1
        if noun <= end + 1 or arcs[noun][0] - 1 != head or not arcs[noun][1].startswith("nmod"):
            break
        k = end + 1
        while k + 1 < n and (k + 1 == noun or descends(k + 1, noun)) and not arcs[k + 1][1].startswith(("acl", "punct")):
            k += 1
        if k < noun:
            break
        end = k
    return end


def _forms(text: str, ss: int, se: int, starts: Sequence[int], ends: Sequence[int]) -> list[str]:
    """The token forms the tagger saw (see :meth:`presslens.text.Segmenter.token_spans`)."""
    from presslens.syntax.segment import normalise_same_length

    chunk = normalise_same_length(text[ss:se])
    out = []
    for a, b in zip(starts, ends):
        form = chunk[a - ss:b - ss]
        if form == '"':
            form = "``" if a == ss or chunk[a - ss - 1].isspace() or chunk[a - ss - 1] in "([{" else "''"
        out.append(form)
    return out
