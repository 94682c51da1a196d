"""Party framing: who acts and who is acted upon (issue 5).

:func:`add_mentions` adds a ``mention`` layer: one span per party alias
occurrence (``label`` = party id) with the noun phrase around it and a
semantic ``role`` (``agent``/``patient``/``other``). Roles and the governing
verb come from the shipped dependency parser (:mod:`presslens.syntax.parser`): every
sentence holding a mention is parsed, and :func:`sentence_roles` reads the
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

import csv
from functools import lru_cache
from pathlib import Path
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from presslens.resources.files import lexicon_path
from presslens.framing.parties import PartyConfig
from presslens.document.spans import Document

ROLES = ("agent", "patient", "other")

_NOUN = {"NN", "NNS", "NNP", "NNPS"}
_ADJ = {"JJ", "JJR", "JJS", "CD", "VBN", "HYPH"}
_DET = {"DT", "PDT", "PRP$"}
_FINITE = {"MD", "VBZ", "VBP", "VBD"}
_BE = {"be", "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "get", "gets", "got", "gotten"}
_COPULA = _BE | {"become", "becomes", "became", "remain", "remains", "remained", "seem", "seems", "seemed"}
#: Subordinators tagged IN that open a clause (an NP after them may be a subject).
_SUBORD = {"that", "if", "because", "while", "although", "though", "whether", "since", "unless", "once",
           "whereas", "until", "whilst"}
#: Prepositions whose object is a patient.
_AGAINST = {"against", "targeting", "toward", "towards"}
#: Prepositions that make a following alias a place (when the NP is a bare name).
_LOCATIVE = {"in", "inside", "within", "into", "across", "throughout", "at", "near", "on"}
#: Head nouns that make an alias modifier a place ("Afghan soil").
_PLACE_NOUNS = {"soil", "territory", "territories", "land", "lands", "border", "borders", "side", "region",
                "regions", "province", "provinces", "airspace", "ground", "city", "cities", "capital",
                "areas", "area", "frontier", "districts", "district", "villages", "village", "town"}
#: Verbs that take a clause: "said Pakistan would ..." makes Pakistan a subject, not an object.
_CLAUSE_VERBS = {"say", "tell", "add", "note", "report", "reveal", "confirm", "indicate", "believe", "think",
                 "claim", "warn", "insist", "argue", "state", "announce", "suggest", "know", "hope", "fear",
                 "expect", "assert", "allege", "admit", "deny", "feel", "learn", "understand", "show", "ensure"}
_RELPRON = {"who", "which", "that"}

_IRREGULAR = {
    "said": "say", "says": "say", "had": "have", "has": "have", "did": "do", "done": "do", "does": "do",
    "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give", "went": "go", "gone": "go",
    "came": "come", "held": "hold", "met": "meet", "told": "tell", "sought": "seek", "brought": "bring",
    "thought": "think", "found": "find", "left": "leave", "kept": "keep", "led": "lead", "built": "build",
    "won": "win", "began": "begin", "begun": "begin", "ran": "run", "shot": "shoot", "fought": "fight",
    "stood": "stand", "understood": "understand", "spoke": "speak", "spoken": "speak", "wrote": "write",
    "written": "write", "broke": "break", "broken": "break", "chose": "choose", "chosen": "choose",
    "drove": "drive", "driven": "drive", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
    "saw": "see", "seen": "see", "knew": "know", "known": "know", "grew": "grow", "grown": "grow",
    "threw": "throw", "thrown": "throw", "shown": "show", "got": "get", "gotten": "get", "paid": "pay",
    "sent": "send", "spent": "spend", "lost": "lose", "meant": "mean", "sold": "sell", "struck": "strike",
    "withdrew": "withdraw", "withdrawn": "withdraw", "felt": "feel", "heard": "hear", "laid": "lay",
    "bought": "buy", "caught": "catch", "taught": "teach", "fled": "flee", "sat": "sit", "hid": "hide",
    "hidden": "hide", "forgot": "forget", "forgiven": "forgive", "forgave": "forgive", "beat": "beat",
    "beaten": "beat", "bore": "bear", "born": "bear", "borne": "bear", "drew": "draw", "drawn": "draw",
    "flew": "fly", "flown": "fly", "wore": "wear", "worn": "wear", "swore": "swear", "sworn": "swear",
    "overtook": "overtake", "undertook": "undertake", "undertaken": "undertake", "became": "become",
    "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be", "am": "be",
}


@lru_cache(maxsize=1)
def agency_power_lexicon() -> dict[str, tuple[int | None, int | None]]:
    """Verb lemma -> (agency, power) scores: +1 pos/agent, -1 neg/theme, 0 equal, None unlabelled.

    >>> agency_power_lexicon()["attack"]
    (1, 1)
    """
    score = {"pos": 1, "agent": 1, "neg": -1, "theme": -1, "equal": 0, "": None}
    out: dict[str, tuple[int | None, int | None]] = {}
    with open(lexicon_path("agency_power.csv"), encoding="utf-8") as fh:
        rows = csv.reader(ln for ln in fh if not ln.startswith("#"))
        next(rows)
        for row in rows:
            if len(row) == 3 and row[0]:
                out[row[0].strip()] = (score.get(row[1].strip()), score.get(row[2].strip()))
    return out


def lemma(word: str, tag: str = "VB") -> str:
    """A verb lemma by rule, checked against the agency/power verb list.

    >>> [lemma(w, t) for w, t in [("shared", "VBN"), ("targets", "VBZ"), ("modelled", "VBN"), ("sought", "VBD")]]
    ['share', 'target', 'model', 'seek']
    """
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    vocab = agency_power_lexicon()
    cands: list[str] = []
    if tag == "VBZ" or (w.endswith("s") and tag.startswith("VB") and tag not in ("VBD", "VBN", "VBG")):
        if w.endswith("ies"):
            cands.append(w[:-3] + "y")
        if w.endswith("es"):
            cands.append(w[:-2])
        cands.append(w[:-1] if w.endswith("s") else w)
    elif tag in ("VBD", "VBN") and w.endswith("ed"):
        stem = w[:-2]
        cands += [stem + "e", stem]
        if w.endswith("ied"):
            cands.insert(0, w[:-3] + "y")
        if len(stem) > 2 and stem[-1] == stem[-2]:
            cands.append(stem[:-1])
    elif tag == "VBG" and w.endswith("ing"):
        stem = w[:-3]
        cands += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            cands.append(stem[:-1])
    else:
        return w
    for c in cands:
        if c in vocab:
            return c
    if tag in ("VBD", "VBN", "VBG") and len(cands) >= 2:
        stem = cands[-1] if tag != "VBG" else cands[0]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
            return stem[:-1]
        if stem.endswith(("v", "z", "c", "us", "at", "iz", "bl", "ur")) and tag != "VBG":
            return stem + "e"
        return stem
    return cands[-1] if cands else w


class _Sent:
    """Tokens of one sentence: words (lowercased), tags and char offsets."""

    def __init__(self, text: str, starts: list[int], ends: list[int], tags: list[str]) -> None:
        self.starts, self.ends, self.tags = starts, ends, tags
        self.words = [text[s:e].lower() for s, e in zip(starts, ends)]
        self.n = len(tags)

    def tag(self, i: int) -> str:
        return self.tags[i] if 0 <= i < self.n else ""

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < self.n else ""


def _np_left(s: _Sent, i: int) -> int:
    """First token of the NP whose alias starts at token ``i``."""
    a = i
    while a > 0:
        t = s.tags[a - 1]
        if t in _DET:
            return a - 1
        # A participle modifies the noun ("banned militant organisations")
        # unless an auxiliary makes it the verb ("has urged Pakistan").
        participle = (t == "VBN" and s.tag(a) in _NOUN | {"JJ"}
                      and not (s.tag(a - 2).startswith("VB") or s.tag(a - 2) == "MD"))
        if t in _NOUN or t in _ADJ and t != "VBN" or participle:
            a -= 1
        elif t == "CC" and s.tag(a) in {"JJ"} and s.tag(a - 2) in {"JJ"}:
            a -= 1
        else:
            break
    return a


def _np_right(s: _Sent, j: int) -> int:
    """End (exclusive) of the NP whose alias ends at token ``j - 1``: following nouns/adjectives."""
    b = j
    while b < s.n:
        t = s.tags[b]
        if t in _NOUN or t in {"JJ", "JJR", "JJS", "HYPH"}:
            b += 1
        elif t == "CC" and s.tag(b - 1) == "JJ" and s.tag(b + 1) == "JJ":
            b += 1
        else:
            break
    while b > j and s.tags[b - 1] not in _NOUN:
        b -= 1
    return b


def _np_end_from(s: _Sent, a: int) -> int:
    b = a
    while b < s.n and (s.tags[b] in _DET | _NOUN | {"JJ", "JJR", "JJS", "CD", "HYPH", "PRP"}):
        b += 1
    return b


def _verb_chain(s: _Sent, i: int) -> tuple[int, bool, int] | None:
    """The verb group starting at token ``i`` (adverbs allowed before and inside).

    Returns ``(index of the governing verb, passive, end)``: catenative chains
    ("is expected to reiterate", "continue to target", "consider halting")
    end at their last verb, whose voice counts.
    """
    k = i
    while s.tag(k) == "RB":
        k += 1
    if s.tag(k) not in _FINITE and s.tag(k) not in {"VB", "VBG", "VBN"}:
        return None
    last, passive, be_seen = -1, False, False
    while k < s.n:
        t, w = s.tags[k], s.words[k]
        if t == "RB" or t == "MD":
            k += 1
            continue
        if not t.startswith("VB"):
            break
        aux = w in _BE or (w in {"have", "has", "had", "having", "do", "does", "did"}
                           and s.tag(k + 1) in {"VBN", "RB", "VB", "VBD"})
        if t == "VBN" and be_seen:
            passive = True
        elif not aux:
            passive = False
        if w in _BE and s.tag(k + 1) in {"VBN", "RB", "VBG", "VBD"}:
            be_seen = True
        last = k
        k += 1
        if aux:
            continue
        # A lexical verb ends the group unless a catenative complement follows.
        if s.tag(k) == "RP":
            k += 1
        if s.tag(k) == "TO" and s.tag(k + 1) == "VB":  # continue to target
            k += 1
            be_seen = passive = False
            continue
        if s.tag(k) == "VBG":  # consider halting
            be_seen = passive = False
            continue
        break
    if last < 0:
        return None
    return last, passive, k


def _finite_after(s: _Sent, b: int) -> tuple[int, bool, int] | None:
    """A finite verb group after the NP (group) ending at ``b``, skipping PPs,
    reduced relatives ("based in Afghanistan"), relative pronouns and one
    parenthetical between commas."""
    k, steps = b, 0
    while k < s.n and steps < 6:
        steps += 1
        t, w = s.tag(k), s.word(k)
        if t in _FINITE or (t == "RB" and s.tag(k + 1) in _FINITE) or (t == "VB" and k > b and s.tag(k - 1) not in {"TO", "MD"}):
            return _verb_chain(s, k)
        if t in {"WDT", "WP"} or (w == "that" and s.tag(k + 1) in _FINITE | {"RB"}):
            k += 1
            continue
        if t == "IN" and w not in _SUBORD:  # a PP: of Foreign Affairs, in Afghanistan
            k = _np_end_from(s, k + 1)
            continue
        if t in {"VBN", "VBG"} and s.tag(k + 1) in {"IN", "RP"}:  # reduced relative
            k += 1
            continue
        if t == "," and steps == 1 and s.tag(k + 1) in {"WDT", "WP"}:  # ", which was attacked"
            k += 1
            continue
        if t == "," and steps == 1:
            close = next((m for m in range(k + 1, min(s.n, k + 10)) if s.tags[m] == ","), None)
            if close is not None and s.tag(close + 1) in _FINITE:
                k = close + 1
                continue
        return None
    return None


def _role(s: _Sent, a: int, b: int, ga: int, gb: int, stance: str | None) -> tuple[str, int | None, str]:
    """(role, verb token index or None, rule) of the NP [a, b) in coordination group [ga, gb)."""
    if stance == "anti":
        return "patient", None, "anti-compound"
    if s.tag(b) == "POS":
        return "other", None, "possessor"
    prev, prevt = s.word(ga - 1), s.tag(ga - 1)
    if prev == "by" and s.tag(ga - 2) == "VBN":
        return "agent", ga - 2, "by-agent"
    if prev in _AGAINST:
        v = ga - 1 if prevt.startswith("VB") else ga - 2 if s.tag(ga - 2).startswith("VB") else None
        return "patient", v, "against"
    after = None
    if prevt not in {"IN", "TO"} or prev in _SUBORD:
        after = _finite_after(s, gb)
    verb_before = prevt.startswith("VB") and prev not in _COPULA
    if after is not None and verb_before and lemma(prev, prevt) not in _CLAUSE_VERBS:
        after = None
    if after is not None:
        v, passive, _ = after
        if s.words[v] in _COPULA:
            # As in the parse-based roles: the subject of a copular clause
            # ("Kabul is responsible") counts as an agent of the copula.
            return ("patient" if passive else "agent"), v, "copula-subject"
        return ("patient" if passive else "agent"), v, "subject-passive" if passive else "subject"
    if verb_before:
        return "patient", ga - 1, "object"
    if prevt == "RP" and s.tag(ga - 2).startswith("VB"):
        return "patient", ga - 2, "object"
    if prevt in {"IN", "TO"}:
        return "other", None, "prepositional"
    nxt = s.tag(gb)
    if nxt == "VBG" or (nxt == "VBN" and s.word(gb + 1) == "by"):
        return ("agent" if nxt == "VBG" else "patient"), gb, "participle"
    return "other", None, "none"


# --- roles from the dependency parse ---------------------------------------------------
#: Predicates that pass their subject on to the verb of their ``xcomp``: aspect
#: ("continue to target", "consider halting") and raising ("is expected to
#: reiterate", "is likely to attack"). The subject is the agent (or, if that
#: verb is passive, the patient) of the complement's verb, which becomes the
#: governing verb. Control verbs with meaning of their own ("refuse to
#: attend", "agree to talk") keep their subject: the party refuses.
RAISING_ACTIVE = frozenset({
    "continue", "keep", "begin", "start", "resume", "seem", "appear", "tend", "happen", "go", "use", "have",
    "need", "consider", "remain", "come", "get", "ought",
})
RAISING_PASSIVE = frozenset({
    "expect", "set", "schedule", "suppose", "slate", "due", "say", "report", "believe", "think", "know", "see",
    "understand", "allege", "rumour", "rumor", "poise", "plan", "project", "tip",
})
RAISING_ADJECTIVES = frozenset({
    "likely", "unlikely", "set", "due", "about", "sure", "certain", "bound", "poised", "ready", "able",
    "unable", "willing", "unwilling", "eager", "keen", "determined", "prepared", "expected", "supposed",
})
_AUX_WORDS = frozenset(_BE | {"have", "has", "had", "having", "do", "does", "did", "will", "would", "shall",
                             "should", "can", "could", "may", "might", "must", "to", "'ll", "'d", "wo", "ca"})
_PASS_AUX = frozenset(_BE | {"getting"})
#: Relations a noun should not have without a preposition: the parse is
#: unsure there, and the word-order rules get a say.
_UNSURE = frozenset({"obl", "nmod", "dep", "appos", "parataxis", "root", "list", "vocative", "dislocated"})
_NOMINAL = _NOUN | {"PRP"}

RoleCall = tuple[str, "int | None", str]


def sentence_roles(words: Sequence[str], tags: Sequence[str],
                   arcs: Sequence[tuple[int, str]] | None = None) -> list[RoleCall]:
    """``(role, governing verb index, rule)`` for every token of one sentence.

    The roles the framing layer uses (and ``presslens evaluate roles``
    scores): :func:`presslens.parser.semantic_roles` over the dependency
    parse ``arcs`` (parsed with the shipped parser when None), then

    * a subject of an aspectual or raising predicate (:data:`RAISING_ACTIVE`,
      :data:`RAISING_PASSIVE`, :data:`RAISING_ADJECTIVES`) is the agent of
      the verb of its complement ("Pakistan is expected to reiterate" ->
      agent of reiterate), or its patient when that verb is passive;
    * a noun the parse calls ``other`` under a relation it should not have
      without a preposition (``obl``, ``nmod``, ``dep``, ...; no ``case``
      child), or under a ``by`` phrase of a participle, gets the word-order
      rules' call.

    The verb index is 0-based (None for ``other``); ``rule`` names what
    decided (``parse:nsubj``, ``raising``, ``rules:subject``, ...).

    >>> words = "Pakistan is expected to reiterate its demand .".split()
    >>> tags = ["NNP", "VBZ", "VBN", "TO", "VB", "PRP$", "NN", "."]
    >>> [(w, r, words[v] if v is not None else None) for w, (r, v, _) in zip(words, sentence_roles(words, tags))][:7:6]
    [('Pakistan', 'agent', 'reiterate'), ('demand', 'patient', 'reiterate')]
    """
    from presslens.syntax.parser import default_parser, semantic_roles

    n = len(words)
    if arcs is None:
        arcs = default_parser().parse(words, tags)
    heads = [h for h, _ in arcs]
    rels = [r for _, r in arcs]
    _repair(heads, rels, tags, words)
    low = [w.lower() for w in words]
    children: list[list[int]] = [[] for _ in range(n + 1)]
    for d, h in enumerate(heads, 1):
        if 0 <= h <= n:
            children[h].append(d)
    base = semantic_roles(words, tags, heads, rels)

    def passive(h: int) -> bool:
        return any(rels[c - 1] == "nsubj:pass" or (rels[c - 1] == "aux:pass" and low[c - 1] in _PASS_AUX)
                   for c in children[h])

    def verb_of(h: int) -> int:
        for c in children[h]:
            if rels[c - 1] == "cop":
                return c - 1
        # A lexical verb mislabelled as an auxiliary ("to run coordinated
        # campaigns" read as a passive) is the real verb.
        for c in children[h]:
            if rels[c - 1].startswith("aux") and tags[c - 1].startswith("VB") and low[c - 1] not in _AUX_WORDS:
                return c - 1
        return h - 1

    def raised(h: int) -> bool:
        word, tag = low[h - 1], tags[h - 1]
        if tag.startswith("JJ"):
            return word in RAISING_ADJECTIVES
        lem = lemma(word, tag)
        return lem in (RAISING_PASSIVE if passive(h) else RAISING_ACTIVE) or (lem == "set" and not passive(h))

    def follow(h: int) -> tuple[int, bool] | None:
        """The complement verb a subject of ``h`` is passed to (and its voice), or None."""
        seen = 0
        moved = None
        while seen < n and raised(h):
            x = next((c for c in children[h] if rels[c - 1] == "xcomp" and tags[c - 1].startswith("VB")), None)
            if x is None:
                break
            h, seen, moved = x, seen + 1, x
        return (moved, passive(moved)) if moved is not None else None

    s: _Sent | None = None
    out: list[RoleCall] = []
    for k in range(1, n + 1):
        role, v = base[k - 1]
        j = k
        while rels[j - 1] == "conj" and 0 < heads[j - 1] <= n and j != heads[j - 1]:
            j = heads[j - 1]
        rel, h = rels[j - 1], heads[j - 1]
        if role != OTHER_ROLE:
            rule = f"parse:{rel}"
            if rel in ("nsubj", "nsubj:pass", "nsubj:outer") and h > 0:
                to = follow(h)
                if to is not None:
                    x, pas = to
                    role, v, rule = ("patient" if pas else "agent"), verb_of(x), "raising"
                else:
                    v = verb_of(h)
            out.append((role, v, rule))
            continue
        cases = [low[c - 1] for c in children[j] if rels[c - 1] == "case"]
        if "by" in cases and h > 0 and tags[h - 1] == "VBN":
            out.append(("agent", verb_of(h), "parse:by-phrase"))
            continue
        unsure = rel.split(":")[0] in _UNSURE or (
            # a conjunct or compound attached to a word that is no noun
            (rels[k - 1] == "conj" and tags[j - 1] not in _NOMINAL)
            or (rel in ("compound", "flat") and 0 < h <= n and tags[h - 1] not in _NOMINAL))
        if tags[k - 1] in _NOMINAL and unsure and not cases:
            if s is None:
                s = _sent_of_words(words, tags)
            a = _np_left(s, k - 1)
            ga, gb = _group(s, a, k)
            r2, v2, rule2 = _role(s, a, k, ga, gb, None)
            if r2 != OTHER_ROLE and not (v2 is not None and not s.tags[v2].startswith("VB")):
                out.append((r2, v2, "rules:" + rule2))
                continue
        out.append((OTHER_ROLE, None, f"parse:{rel}"))
    return out


OTHER_ROLE = "other"


def _repair(heads: list[int], rels: list[str], tags: Sequence[str], words: Sequence[str]) -> None:
    """Mend, in place, three mistakes of the greedy parse that no UD tree makes.

    * A predicate has one subject. In "Militants who attacked Pakistan fled"
      the parser may read "Pakistan" as a second ``nsubj`` of "fled": a later
      subject right after a verb that has no object becomes that verb's ``obj``.
    * In "Qatar, which hosted the talks, urged ..." it may make "Qatar" a
      second subject of "hosted", beside "which": the noun before the
      relative pronoun is the subject of the conjoined verb after it.
    * Object control ("urged Pakistan to act", an ``xcomp`` beside it and
      no ``obj``) has an object, not an ``iobj``.
    """
    n = len(heads)
    subj_of = _subjects_by_head(heads, rels)
    for h, subs in subj_of.items():
        rel_pron = [k for k in subs if tags[k - 1] in ("WDT", "WP") and words[k - 1].lower() in _RELPRON]
        if not rel_pron:
            continue
        r = rel_pron[0]
        for k in subs:
            if k < r and tags[k - 1] in _NOMINAL:
                later = [c for c in range(r + 1, n + 1) if heads[c - 1] == h and rels[c - 1] == "conj"
                         and tags[c - 1].startswith("VB")]
                if later:
                    heads[k - 1] = later[0]
    for d in range(1, n + 1):
        if rels[d - 1] != "iobj":
            continue
        siblings = {rels[c - 1] for c in range(1, n + 1) if heads[c - 1] == heads[d - 1]}
        if "xcomp" in siblings and not siblings & {"obj", "ccomp"}:
            rels[d - 1] = "obj"
    _repair_double_subjects(heads, rels, tags)


def _subjects_by_head(heads: Sequence[int], rels: Sequence[str]) -> dict[int, list[int]]:
    """The subjects (1-based token ids, in order) of every head that has any."""
    subj_of: dict[int, list[int]] = {}
    for d, (h, r) in enumerate(zip(heads, rels), 1):
        if r in ("nsubj", "nsubj:pass") and h > 0:
            subj_of.setdefault(h, []).append(d)
    return subj_of


def _repair_double_subjects(heads: list[int], rels: list[str], tags: Sequence[str]) -> None:
    """A later subject right after a verb that has no object becomes that verb's ``obj`` (in place)."""
    n = len(heads)
    subj_of = _subjects_by_head(heads, rels)
    for h, subs in subj_of.items():
        if len(subs) < 2:
            continue
        for k in subs[1:]:
            left = k
            for d in range(1, n + 1):  # leftmost token of k's phrase (its left dependents)
                if heads[d - 1] == k and d < left:
                    left = d
            v = left - 1
            if v < 1 or v == h or not tags[v - 1].startswith("VB") or rels[v - 1] in ("aux", "aux:pass", "cop"):
                continue
            if any(heads[d - 1] == v and rels[d - 1] in ("obj", "ccomp", "xcomp") for d in range(1, n + 1)):
                continue
            heads[k - 1], rels[k - 1] = v, "obj"


def _sent_of_words(words: Sequence[str], tags: Sequence[str]) -> _Sent:
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    return _Sent(" ".join(words), starts, [a + len(w) for a, w in zip(starts, words)], list(tags))


def _group(s: _Sent, a: int, b: int) -> tuple[int, int]:
    """The coordination group around the NP [a, b): "Qatar and Türkiye", "the US and its allies"."""
    ga, gb = a, b
    while s.word(ga - 1) in {"and", "or"} and s.tag(ga - 2) in _NOUN | {"PRP"}:
        ga = _np_left(s, ga - 2)
    while s.word(gb) in {"and", "or"} and s.tag(gb + 1) in _DET | _NOUN | {"JJ", "CD"}:
        gb = _np_end_from(s, gb + 1)
    if s.word(ga - 1) == "both":
        ga -= 1
    return ga, gb


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
    if "token" not in doc.layers:
        from presslens.syntax.segment import segment

        segment(doc)
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
                if role == OTHER_ROLE and rule in ("parse:flat", "parse:compound"):
                    # UD heads a name on its first word ("Sara" in "Opposition
                    # leader Sara Malik", "Malik" a flat dependent): a word of
                    # the phrase whose head lies outside it speaks for it.
                    tops = [t for t in range(b - 1, a - 1, -1)
                            if not a < arcs[t][0] <= b and calls[t][0] != OTHER_ROLE]
                    if tops:
                        role, v, rule = calls[tops[0]]
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


def mention_voice(doc: Document) -> pd.Series:
    """For each mention (in layer order): ``source`` when it lies in an attribution's source span,
    ``attributed`` when it lies inside attributed content, else ``reporter`` (the writer's own voice).

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> mention_voice(add_mentions(annotate_text("Sources said Pakistan left."), cfg)).tolist()
    ['attributed']
    """
    m = doc.layer("mention")
    attr = doc.layers.get("attribution")
    out = pd.Series(["reporter"] * len(m), index=m.index, dtype=object)
    if attr is None or not len(attr) or not len(m):
        return out
    sources = [(p["start"], p["end"]) for p in attr["source"] if isinstance(p, dict)]
    contents = [(p["start"], p["end"]) for p in attr["content"] if isinstance(p, dict)]
    for idx, (s, e) in zip(m.index, m[["start", "end"]].itertuples(index=False)):
        if any(a <= s and e <= b for a, b in sources):
            out[idx] = "source"
        elif any(a <= s and e <= b for a, b in contents):
            out[idx] = "attributed"
    return out


def mentions_table(doc: Document) -> pd.DataFrame:
    """One row per mention: text, np_text, party, role, verb, agency/power, stance, sentence.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> mentions_table(add_mentions(annotate_text("Militants attacked Pakistan."), cfg))[["text", "role", "verb"]].values.tolist()
    [['Pakistan', 'patient', 'attack']]
    """
    cols = ["start", "end", "text", "np_text", "party", "alias", "role", "verb", "verb_agency", "verb_power",
            "stance", "place_only", "sentence", "voice", "tone", "tone_score"]
    m = doc.layer("mention")
    if not len(m):
        return pd.DataFrame(columns=cols)
    voice = mention_voice(doc).tolist()
    rows = []
    for r, v in zip(m.to_dict("records"), voice):
        rows.append({
            "start": int(r["start"]), "end": int(r["end"]), "text": doc.text[r["start"]:r["end"]],
            "np_text": doc.text[int(r["np_start"]):int(r["np_end"])], "party": r["label"],
            "alias": r["alias"], "role": r["role"], "verb": r["verb"], "verb_agency": r["verb_agency"],
            "verb_power": r["verb_power"], "stance": r["stance"], "place_only": bool(r["place_only"]),
            "sentence": int(r["sentence"]), "voice": v, "tone": r.get("tone"),
            "tone_score": r.get("tone_score", np.nan),
        })
    return pd.DataFrame(rows, columns=cols)


def party_measures(doc: Document, parties: PartyConfig) -> pd.DataFrame:
    """Tidy per-party measures: columns ``party``, ``measure``, ``value``, ``n`` (the denominator).

    Measures: ``mentions`` (n = all actor mentions), ``mention_share``,
    ``agent_share``/``patient_share``/``other_share`` (n = the party's
    mentions), ``mean_agent_agency``/``mean_agent_power`` (n = agent verbs
    in the lexicon), ``in_attributed_voice_share`` / ``in_reporter_voice_share``
    (the party's mentions inside attributed content / in the writer's own
    voice; mentions inside a source span are neither), ``mean_tone``,
    ``negative_tone_share``, ``positive_tone_share`` (target-level tone, when
    the tone model is present), ``voice_share`` (attributions whose
    ``source_party`` is the party; n = attributions; NaN without an
    ``attribution`` layer).
    Place-only mentions are not counted. Adds the ``mention`` layer if absent.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> t = party_measures(annotate_text("Pakistan attacked camps. Militants attacked Pakistan."), cfg)
    >>> float(t.set_index("measure").loc["agent_share", "value"])
    0.5
    """
    if "mention" not in doc.layers:
        add_mentions(doc, parties)
    m = doc.layer("mention").assign(voice=mention_voice(doc))
    if len(m) and "place_only" in m:
        m = m[~m["place_only"].astype(bool)]
    total = len(m)
    has_tone = "tone" in m
    attr = doc.layers.get("attribution")
    n_attr = len(attr) if attr is not None else 0
    rows: list[tuple[str, str, float, int]] = []
    for pid in parties.ids:
        pm = m[m["label"] == pid] if total else m
        k = len(pm)
        rows.append((pid, "mentions", float(k), total))
        rows.append((pid, "mention_share", k / total if total else np.nan, total))
        for role in ROLES:
            c = int((pm["role"] == role).sum()) if k else 0
            rows.append((pid, f"{role}_share", c / k if k else np.nan, k))
        agents = pm[pm["role"] == "agent"] if k else pm
        for dim in ("agency", "power"):
            vals = agents[f"verb_{dim}"].dropna() if len(agents) else pd.Series(dtype=float)
            rows.append((pid, f"mean_agent_{dim}", float(vals.mean()) if len(vals) else np.nan, len(vals)))
        for voice in ("attributed", "reporter"):
            c = int((pm["voice"] == voice).sum()) if k else 0
            rows.append((pid, f"in_{voice}_voice_share", c / k if k else np.nan, k))
        if has_tone:
            scores = pm["tone_score"].astype(float).dropna() if k else pd.Series(dtype=float)
            rows.append((pid, "mean_tone", float(scores.mean()) if len(scores) else np.nan, len(scores)))
            for label in ("negative", "positive"):
                c = int((pm["tone"] == label).sum()) if k else 0
                rows.append((pid, f"{label}_tone_share", c / k if k else np.nan, k))
        if attr is None:
            rows.append((pid, "voice_share", np.nan, 0))
        else:
            c = int((attr["source_party"] == pid).sum()) if n_attr and "source_party" in attr else 0
            rows.append((pid, "voice_share", c / n_attr if n_attr else 0.0, n_attr))
    return pd.DataFrame(rows, columns=["party", "measure", "value", "n"])


def party_summary(doc: Document, parties: PartyConfig) -> pd.DataFrame:
    """One row per party (most mentioned first): ``party``, ``label`` and one column per measure.

    The wide form of :func:`party_measures`, for tables and charts.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> party_summary(annotate_text("Pakistan attacked camps."), cfg)[["label", "mentions", "agent_share"]].values.tolist()
    [['Pakistan', 1.0, 1.0]]
    """
    measures = party_measures(doc, parties)
    wide = measures.pivot_table(index="party", columns="measure", values="value", aggfunc="first", dropna=False).reset_index()
    wide.columns.name = None
    wide.insert(1, "label", wide["party"].map(parties.label))
    return wide.sort_values(["mentions", "party"], ascending=[False, True], kind="stable").reset_index(drop=True)


def party_verbs(doc: Document, parties: PartyConfig) -> pd.DataFrame:
    """Per party: the verbs it does (as agent) and undergoes (as patient), most frequent first.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> party_verbs(annotate_text("Pakistan attacked camps. Militants attacked Pakistan."), cfg)[["label", "does", "undergoes"]].values.tolist()
    [['Pakistan', 'attack', 'attack']]
    """
    if "mention" not in doc.layers:
        add_mentions(doc, parties)
    t = mentions_table(doc)
    rows = []
    for pid in parties.ids:
        pm = t[(t["party"] == pid) & t["verb"].notna()] if len(t) else t
        row = {"party": pid, "label": parties.label(pid)}
        for role, col in (("agent", "does"), ("patient", "undergoes")):
            counts = pm.loc[pm["role"] == role, "verb"].value_counts() if len(pm) else pd.Series(dtype=int)
            row[col] = ", ".join(f"{v} ({n})" if n > 1 else v for v, n in counts.items())
        rows.append(row)
    return pd.DataFrame(rows, columns=["party", "label", "does", "undergoes"])


def tone_evidence(doc: Document, parties: PartyConfig, excerpt_chars: int = 220) -> pd.DataFrame:
    """Every mention with its target-level tone and its sentence: the evidence behind the tone figures.

    Columns ``party``, ``label``, ``mention``, ``tone``, ``tone_score``, ``role``, ``sentence_text``;
    empty when no tone model is available.
    """
    if "mention" not in doc.layers:
        add_mentions(doc, parties)
    t = mentions_table(doc)
    cols = ["party", "label", "mention", "tone", "tone_score", "role", "sentence_text"]
    if not len(t) or t["tone"].isna().all():
        return pd.DataFrame(columns=cols)
    sents = doc.layer("sentence")[["start", "end"]].to_numpy()
    rows = []
    for r in t[~t["place_only"]].itertuples():
        ss, se = sents[r.sentence]
        text = " ".join(doc.text[ss:se].split())
        rows.append({"party": r.party, "label": parties.label(r.party), "mention": r.np_text, "tone": r.tone,
                     "tone_score": r.tone_score, "role": r.role,
                     "sentence_text": text if len(text) <= excerpt_chars else text[: excerpt_chars - 1] + "\u2026"})
    return pd.DataFrame(rows, columns=cols).sort_values(["party", "tone_score"], kind="stable").reset_index(drop=True)


def methods_note(figures_path: str | Path | None = None) -> str:
    """The methods paragraph of the party-framing report, with the shipped validation figures (Markdown).

    Figures come from ``presslens/resources/validation/figures.json``, which
    ``scripts/build_validation.py`` writes beside ``VALIDATION.md``; without
    it the note says where to find them.

    >>> "EWT" in methods_note()
    True
    """
    from presslens.report.methods import load_figures

    fig = load_figures(figures_path)
    parts = [
        "Mentions are whole-word matches of the parties file's aliases (longest first; also inside "
        "hyphenated compounds such as \"anti-Pakistan\", whose stance is kept). Place-only uses "
        "(\"in Afghanistan\", \"Afghan soil\") are not counted as actors. Each sentence with a mention is "
        "parsed by presslens's dependency parser (trained on UD English EWT); a mention takes the role of "
        "its noun phrase's head in the parse (subject of an active verb or by-phrase of a passive: agent; "
        "object, passive subject, object of \"against\": patient; aspectual and raising verbs pass the "
        "subject on: \"is expected to reiterate\" makes the party the agent of *reiterate*). Word-order "
        "rules decide only where the parse has no answer (anti- compounds, nouns left without a relation). "
        "Verb agency and power: Sap et al. (2017) connotation frames. Tone: a target-level model trained on "
        "NewsMTSC (Hamborg & Donnay 2021). Labels and frame dimensions are counts of the cited lexicons "
        "(`lexicons/descriptors.yml`, `lexicons/frames.yml`, after Boydstun et al.'s Policy Frames "
        "Codebook) and have not been validated against human coding.",
    ]
    r, t, a = fig.get("roles"), fig.get("tone"), fig.get("article_mentions")
    if r or t or a:
        items = []
        if r:
            items.append(f"roles agree with the UD English EWT test treebank for **{r['accuracy']:.1%}** of "
                         f"{r['n']:,} subjects, objects and by-agents (dependency parser UAS {r['uas']:.1%})")
        if t:
            items.append(f"target tone on NewsMTSC devtest_mt: macro-F1 **{t['macro_f1']:.3f}** over "
                         f"{t['n']:,} targets, against {t['vader_macro_f1']:.3f} for whole-sentence VADER "
                         f"(published best, a fine-tuned RoBERTa: 0.83)")
        if a:
            items.append(f"on the hand-coded default article, {a['found']} of {a['n_gold']} party mentions are "
                         f"found with their party and {a['role_right']} of them have the coder's role")
        parts.append("Validation: " + "; ".join(items) + ". Details and the commands that reproduce them: "
                     "`VALIDATION.md`.")
    else:
        parts.append("Validation figures: see the project's `VALIDATION.md` (`scripts/build_validation.py`).")
    return "\n\n".join(parts)
