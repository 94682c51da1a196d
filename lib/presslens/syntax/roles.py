"""Semantic roles from a dependency parse: who acts (agent) and who is acted upon (patient).

:func:`semantic_roles` reads the role of every token off a UD tree;
:func:`sentence_roles` parses a tagged sentence with the shipped parser and
adds the word-order rules kept where the parse has no answer (``anti-X``
compounds, nouns left without a usable relation). It is the very function
``presslens evaluate roles`` scores and the party-framing layer uses, so
the measured accuracy is the accuracy of the reports.
"""

from __future__ import annotations


from collections.abc import Sequence
from presslens.syntax.morphology import lemma



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


#: Verbs that take a clause: "said Pakistan would ..." makes Pakistan a subject, not an object.
_CLAUSE_VERBS = {"say", "tell", "add", "note", "report", "reveal", "confirm", "indicate", "believe", "think",
                 "claim", "warn", "insist", "argue", "state", "announce", "suggest", "know", "hope", "fear",
                 "expect", "assert", "allege", "admit", "deny", "feel", "learn", "understand", "show", "ensure"}


_RELPRON = {"who", "which", "that"}


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
    from presslens.syntax.parser import default_parser
    from presslens.syntax.roles import semantic_roles

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
    _semantic_repairs(out, low, tags, heads, rels, children)
    return out


#: Predicates whose grammatical subject undergoes rather than does: "suffered losses",
#: "sustained injuries"; "lose" and "see" only with the objects below.
EXPERIENCER_VERBS = frozenset({"suffer", "sustain", "undergo", "endure"})
_LOST_OBJECTS = frozenset({"life", "lives"})
_TREND_OBJECTS = frozenset({"surge", "rise", "increase", "spike", "wave", "uptick", "escalation", "jump"})
#: Participles whose passive form describes a state the subject is active in ("has been engaged in talks").
ACTIVE_PARTICIPLES = frozenset({"engage", "involve"})


def _semantic_repairs(out: list[RoleCall], low: Sequence[str], tags: Sequence[str], heads: Sequence[int],
                      rels: Sequence[str], children: Sequence[Sequence[int]]) -> None:
    """Roles the grammatical relation gets wrong in news prose (in place).

    * the subject of an experiencer predicate is its patient ("nine fighters lost their
      lives", "the province has seen a surge in attacks", "the army suffered losses");
    * the subject of "be engaged/involved in" is an agent, not a passive's patient;
    * a noun with a past participle after it and no role of its own is that participle's
      patient, with its conjuncts ("19 militants, 11 soldiers killed in ...": a headline's
      reduced passive);
    * a name fronted before a comma and left as a vocative or dislocated word takes the
      subject's call of the clause it opens ("India, China hold talks"; "Pakistan, he
      said, expressed ...").
    """
    n = len(out)

    def lem(i: int) -> str:
        return lemma(low[i], tags[i])

    for k in range(n):
        role, v, rule = out[k]
        if role != "agent" or v is None or not tags[v].startswith("VB"):
            continue
        verb = lem(v)
        objs = {low[c - 1] for c in children[v + 1] if rels[c - 1] == "obj"}
        if verb in EXPERIENCER_VERBS or (verb == "lose" and objs & _LOST_OBJECTS) \
                or (verb in ("see", "witness", "experience") and objs & _TREND_OBJECTS):
            out[k] = ("patient", v, "experiencer-subject")
    for k in range(n):
        role, v, rule = out[k]
        if role == "patient" and v is not None and rule.endswith(("nsubj:pass", "subject-passive")) \
                and lem(v) in ACTIVE_PARTICIPLES:
            out[k] = ("agent", v, "active-participle")
    finite = any(t in ("VBD", "VBZ", "VBP", "MD") for t in tags)
    for k in range(n):
        # Only in a fragment with no finite verb (a headline): in a full sentence a noun
        # before a participle is usually the subject the parse failed to attach.
        if finite or out[k][0] != OTHER_ROLE or tags[k] not in _NOMINAL:
            continue
        group = [k] + [c - 1 for c in children[k + 1] if rels[c - 1] == "conj"]
        acl = [c - 1 for g in group for c in children[g + 1] if rels[c - 1] == "acl" and tags[c - 1] == "VBN"]
        if acl and rels[k] in ("root", "conj", "dep", "parataxis") and (rels[k] != "conj" or out[heads[k] - 1][0] == OTHER_ROLE):
            for g in group:
                if out[g][0] == OTHER_ROLE:
                    out[g] = ("patient", acl[0], "reduced-passive")
    for k in range(n):
        # A word of a multiword name acts with the name: treebanks head "John Smith" on
        # "John" (flat), the parser sometimes on "Smith" (compound).
        h = heads[k] - 1
        if out[k][0] == OTHER_ROLE and rels[k] in ("compound", "flat") and 0 <= h < n and k < h \
                and tags[k] in ("NNP", "NNPS") and tags[h] in ("NNP", "NNPS") and out[h][0] != OTHER_ROLE:
            out[k] = (out[h][0], out[h][1], "name-part")
    for k in range(n):
        if out[k][0] != OTHER_ROLE or rels[k] not in ("vocative", "dislocated") or k + 1 >= n or low[k + 1] != ",":
            continue
        h = heads[k]
        subj = next((c - 1 for c in children[h] if rels[c - 1] in ("nsubj", "nsubj:pass") and c - 1 > k), None) \
            if h > 0 else None
        if subj is not None and out[subj][0] != OTHER_ROLE:
            out[k] = (out[subj][0], out[subj][1], "fronted-subject")


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


RoleCall = tuple[str, "int | None", str]


# --- agent / patient ---------------------------------------------------------
AGENT, PATIENT, OTHER = "agent", "patient", "other"


#: Case markers whose noun is the target of the action ("sanctions against Iran").
PATIENT_CASES = frozenset({"against"})


_PASSIVE_MARKS = frozenset({"aux:pass", "nsubj:pass", "csubj:pass"})


def semantic_roles(words: Sequence[str], tags: Sequence[str], heads: Sequence[int],
                   deprels: Sequence[str]) -> list[tuple[str, int | None]]:
    """``(role, governing verb)`` for every token of a parsed sentence.

    ``heads`` are 1-based (0 = root) as :meth:`DependencyParser.parse` gives
    them; the governing verb is a **0-based** index into ``words`` (None for
    ``other``). Rules, on UD relations:

    * agent: ``nsubj`` (and ``nsubj:outer``) of a predicate that is not
      passive -- passive meaning it has an ``aux:pass``, ``nsubj:pass`` or
      ``csubj:pass`` child -- and ``obl:agent`` (the noun of "by X" after a
      passive). Subjects of copular clauses ("Kabul is responsible") count as
      agents too: the issue's definition (every ``nsubj`` of an active
      predicate) does, and their governing verb is the copula.
    * patient: ``obj``, ``nsubj:pass`` (and an ``nsubj`` of a passive
      predicate), and an ``obl``/``nmod`` introduced by "against"
      ("strikes against militants"). The object of "targeting" is its ``obj``.
      ``iobj`` is *other*: it is a recipient ("gave Kabul a deadline").
    * a ``conj`` takes the role and verb of the first conjunct ("Pakistan and
      Afghanistan agreed": both agents).
    * anything else (``nmod:poss``, ``compound``, ``amod``, ``csubj``, ...) is other.

    The governing verb is the head, except that for a copular predicate it is
    the copula ("is" in "Kabul is responsible"). Control is not resolved:
    in "Pakistan wants to end the talks", Pakistan is the agent of "wants".

    >>> words = ["The", "talks", "were", "hosted", "by", "Turkey", "."]
    >>> semantic_roles(words, [], [2, 4, 4, 0, 6, 4, 4],
    ...                ["det", "nsubj:pass", "aux:pass", "root", "case", "obl:agent", "punct"])[:6]
    [('other', None), ('patient', 3), ('other', None), ('other', None), ('other', None), ('agent', 3)]
    """
    n = len(heads)
    children: list[list[int]] = [[] for _ in range(n + 1)]
    for d, h in enumerate(heads, 1):
        if 0 <= h <= n:
            children[h].append(d)
    low = [w.lower() for w in words]

    def verb_of(h: int) -> int | None:
        if h <= 0:
            return None
        for c in children[h]:
            if deprels[c - 1] == "cop":
                return c - 1
        return h - 1

    def passive(h: int) -> bool:
        return h > 0 and any(deprels[c - 1] in _PASSIVE_MARKS for c in children[h])

    def direct(k: int) -> tuple[str, int | None]:
        rel, h = deprels[k - 1], heads[k - 1]
        if h <= 0:
            return OTHER, None
        if rel == "nsubj" or rel == "nsubj:outer":
            return (PATIENT if passive(h) else AGENT), verb_of(h)
        if rel == "obl:agent":
            return AGENT, verb_of(h)
        if rel == "obj" or rel == "nsubj:pass":
            return PATIENT, verb_of(h)
        if rel.split(":")[0] in ("obl", "nmod") and any(
                deprels[c - 1] == "case" and low[c - 1] in PATIENT_CASES for c in children[k]):
            return PATIENT, verb_of(h)
        return OTHER, None

    out: list[tuple[str, int | None]] = []
    for k in range(1, n + 1):
        j, seen = k, 0
        while deprels[j - 1] == "conj" and 0 < heads[j - 1] <= n and seen <= n:
            j, seen = heads[j - 1], seen + 1  # up to the first conjunct
        out.append(direct(j))
    return out
