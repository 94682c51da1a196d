"""Source typing and resolution: what kind of source speaks, and whom a pronoun source stands for.

Types come from the cited noun lexicon ``lexicons/source_nouns.yml``; a
pronoun source ("He added") takes the type and party of the nearest earlier
source that agrees with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from presslens.attribution.sequences import _Rel
from presslens.document.spans import Document
from presslens.resources.files import lexicon_path, load_yaml

if TYPE_CHECKING:
    from presslens.attribution.sequences import Seq, Span
    from presslens.framing.parties import PartyConfig

SOURCE_TYPES = ("anonymous", "unnamed_official", "named_person", "institution", "media", "document")


@dataclass(frozen=True)
class SourceLexicon:
    """Head nouns and names that decide a source's type (``lexicons/source_nouns.yml``)."""

    words: dict[str, str]  # lower-cased single word -> type
    phrases: dict[tuple[str, ...], str]  # lower-cased multiword name -> type
    titles: frozenset[str]  # words before a personal name ("Mr", "Minister")
    version: str = ""

    @classmethod
    def load(cls, path: str | Path | None = None) -> "SourceLexicon":
        data = load_yaml(path or lexicon_path("source_nouns.yml")) or {}
        words: dict[str, str] = {}
        phrases: dict[tuple[str, ...], str] = {}
        for stype in SOURCE_TYPES:
            for entry in data.get(stype) or []:
                key = tuple(str(entry).lower().split())
                if len(key) == 1:
                    words[key[0]] = stype
                elif key:
                    phrases[key] = stype
        titles = frozenset(str(t).lower().rstrip(".") for t in data.get("titles") or [])
        return cls(words, phrases, titles, str(data.get("version", "")))


@lru_cache(maxsize=1)
def default_source_lexicon() -> SourceLexicon:
    return SourceLexicon.load()


_PERSONAL = {"he": "sg", "she": "sg", "i": "sg", "him": "sg", "her": "sg",
             "they": "pl", "we": "pl", "them": "pl", "it": "it", "you": "pl"}


#: Tags that start a post-modifier of the source's head: a preposition, a
#: participle or finite verb, a relative word, punctuation. Coordination and
#: parentheses do not ("Deputy Prime Minister (DPM) and Foreign Minister Ishaq Dar").
_POSTMODIFIER_TAGS = {"IN", "WDT", "WP", "VBG", "VBN", "VBD", "VBZ", "VBP", "VB", ",", ":", "TO", "MD"}
#: Words that open a post-modifier whatever their tag ("sources familiar with the talks").
_POSTMODIFIER_WORDS = {"familiar", "close", "with", "who", "which", "that", "quoted", "cited"}
#: Small words inside a capitalised name ("Ministry of Foreign Affairs", "Centre for Research").
_NAME_LINKS = {"of", "for", "and", "the", "&", "on", "de", "al"}


def _is_cap(form: str) -> bool:
    return form[:1].isupper() or form[:1].isdigit()


def _head_segment(words: list[str], tags: list[str], forms: list[str]) -> int:
    """Where the source's head phrase ends: at its first post-modifier, once a noun has been seen.

    A preposition between two capitalised words belongs to a name, not a
    post-modifier ("Association of Southeast Asian Nations (ASEAN) foreign ministers").
    """
    seen_noun = False
    for i, (w, t) in enumerate(zip(words, tags)):
        if t.startswith(("NN", "PRP")) or t == "CD":
            seen_noun = True
            continue
        if not seen_noun:
            continue
        inside_name = (w in _NAME_LINKS and 0 < i < len(words) - 1 and _is_cap(forms[i - 1]) and _is_cap(forms[i + 1]))
        if inside_name:
            continue
        if t in _POSTMODIFIER_TAGS or w in _POSTMODIFIER_WORDS:
            return i
    return len(words)


def _name_run(forms: list[str], head: int) -> tuple[int, int]:
    """The capitalised run around ``head`` (name links between capitalised words included)."""
    a = head
    while a > 0 and (_is_cap(forms[a - 1]) or (forms[a - 1].lower() in _NAME_LINKS and a > 1 and _is_cap(forms[a - 2]))):
        a -= 1
    b = head + 1
    while b < len(forms) and (_is_cap(forms[b]) or (forms[b].lower() in _NAME_LINKS and b + 1 < len(forms) and _is_cap(forms[b + 1]))):
        b += 1
    return a, b


def _person_name(words: list[str], tags: list[str], forms: list[str], lex: SourceLexicon, a: int, b: int) -> bool:
    """Do the words ``[a, b)`` read as a personal name: capitalised, none a known noun, title,
    demonym or acronym ("US", "UN" are no one's name)?"""
    if a >= b:
        return False
    for i in range(a, b):
        w = words[i]
        if not forms[i][:1].isupper() or w in lex.words or w in lex.titles or tags[i] == "POS" \
                or (w.endswith(("an", "ish", "ese")) and tags[i] == "JJ") or (forms[i].isupper() and len(forms[i]) > 1):
            return False
    return True


#: Honorifics a personal name follows ("Mr Trump", "Sheikh Mohammed").
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "sen", "rep", "gov", "gen", "maulana", "mullah", "sheikh",
                         "imam", "lt", "col", "maj", "capt"})


def _names_follow(word: str, lex: SourceLexicon) -> bool:
    """Can a personal name follow this word as the name of the same person?
    Titles and person nouns can ("spokesman Raveesh Kumar", "driver Najeeb Ullah");
    modifiers of titles cannot ("Foreign" in "Foreign Affairs")."""
    return word in _HONORIFICS or lex.words.get(word) in ("unnamed_official", "anonymous") \
        or (word.endswith("s") and lex.words.get(word[:-1]) in ("unnamed_official", "anonymous"))


def type_source(forms: list[str], tags: list[str], lexicon: SourceLexicon | None = None,
                after: list[str] | None = None) -> tuple[str, str]:
    """``(source_type, number)`` of a source phrase from its tokens and tags.

    The head phrase is the source up to its first post-modifier ("sources" in
    "sources familiar with the talks", "statistics" in "the latest statistics
    issued by ..."). It ends in a personal name after a title or official
    noun: a named person ("spokesperson Lin Jian", "Deputy Prime Minister
    (DPM) and Foreign Minister Ishaq Dar"). Its head is a common noun: the
    lexicon's type for it ("officials", "channel", "statement"). Its head is
    capitalised: the name it belongs to is an institution or medium when the
    lexicon knows a word or phrase of it ("Ministry of Foreign Affairs"),
    else a person. ``after`` are the words after the source in its sentence:
    an appositive name (", Mustafa Khan,") names an unnamed person or official.
    ``number`` is ``sg`` or ``pl`` (for pronoun agreement).

    >>> type_source(["diplomatic", "sources"], ["JJ", "NNS"])
    ('anonymous', 'pl')
    >>> type_source(["Foreign", "Minister", "Ishaq", "Dar"], ["NNP", "NNP", "NNP", "NNP"])
    ('named_person', 'sg')
    >>> type_source(["the", "Turkish", "Ministry", "of", "Foreign", "Affairs"], ["DT", "JJ", "NNP", "IN", "NNP", "NNPS"])
    ('institution', 'sg')
    >>> type_source(["Another", "driver"], ["DT", "NN"], after=[",", "Ravi", "Kumar", ",", "said"])
    ('named_person', 'sg')
    """
    lex = lexicon or default_source_lexicon()
    words = [f.lower().rstrip(".") for f in forms]
    end = _head_segment(words, tags, forms) or len(words)
    # Parentheses hold an abbreviation or an aside, never the head.
    inner = [i for i in range(end) if not _in_parentheses(forms, i)]
    nouns = [i for i in inner if tags[i].startswith(("NN", "PRP")) or tags[i] == "CD"]
    if not nouns:
        return "anonymous", "sg"
    head = nouns[-1]
    number = "pl" if tags[head] in ("NNS", "NNPS") else "sg"
    if forms[head][:1].isupper() and tags[head] in ("NNP", "NNPS"):
        a, b = _name_run(forms, head)
        b = min(b, end)
        # A personal name after a title or official noun, inside the run or just before it:
        # "spokesman Raveesh Kumar", "Deputy Prime Minister (DPM) and Foreign Minister Ishaq Dar".
        for k in range(b - 1, max(a, 1) - 2, -1):
            if k >= 0 and _names_follow(words[k], lex) and _person_name(words, tags, forms, lex, k + 1, b):
                return "named_person", "sg"
        number = "pl" if tags[head] == "NNPS" and b - a == 1 else "sg"
        run = words[a:b]
        for n in (4, 3, 2):
            for i in range(len(run) - n + 1):
                stype = lex.phrases.get(tuple(run[i:i + n]))
                if stype:
                    return stype, number
        # The head of an "X of Y" name is X: "Secretary of State", "Ministry of Foreign Affairs".
        links = [i for i, w in enumerate(run) if w in ("of", "for")]
        run_head = run[links[0] - 1] if links and links[0] > 0 else run[-1]
        if run_head in lex.words:
            return lex.words[run_head], number
        known = [lex.words[w] for w in run if w in lex.words and lex.words[w] != "unnamed_official"]
        if known:
            return known[-1], number  # "the Pentagon", "Centre for Research and Security Studies"
        if any(w in lex.words or w.rstrip("s") in lex.words for w in run if lex.words.get(w) == "unnamed_official"):
            return "unnamed_official", number  # "Foreign Minister" with no name
        if tags[head] == "NNPS" and not _person_name(words, tags, forms, lex, head, head + 1):
            return "institution", "pl"
        return "named_person", "sg"
    # A common noun head: phrases ending at it ("state media", "media wing"), then the word itself.
    for n in (4, 3, 2):
        if head + 1 - n >= 0:
            stype = lex.phrases.get(tuple(words[head + 1 - n:head + 1]))
            if stype:
                return stype, number
    hw = words[head]
    stype = lex.words.get(hw) or (lex.words.get(hw[:-1]) if hw.endswith("s") else None)
    if stype is None and hw in _PERSONAL:
        return "anonymous", number
    # The appositive may be inside the source span (PolNeAR's convention) or after it.
    appositive = forms[end:] + list(after or []) if end < len(forms) else after
    if stype in (None, "anonymous", "unnamed_official") and number == "sg" and _appositive_name(appositive, lex):
        return "named_person", "sg"  # "Another driver, Mustafa Khan, said"
    return stype or "anonymous", number


def _in_parentheses(forms: list[str], i: int) -> bool:
    depth = 0
    for f in forms[:i]:
        depth += f in ("(", "-LRB-") or 0
        depth -= f in (")", "-RRB-") or 0
    return depth > 0 or forms[i] in ("(", ")")


def _appositive_name(after: list[str] | None, lex: SourceLexicon) -> bool:
    """Do the words after a source open with a comma-set personal name (", Ravi Kumar,")?"""
    if not after or after[0] != ",":
        return False
    name = []
    for f in after[1:6]:
        if f in (",", "said", "told"):
            break
        name.append(f)
    return (1 < len(name) <= 4 and all(w[:1].isupper() and w.lower() not in lex.words and w.lower() not in lex.titles
                                       for w in name) and len(after) > len(name) + 1 and after[len(name) + 1] == ",")


#: Relative pronouns that stand for the noun phrase before them (", who said").
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_ANTECEDENT_TAGS = {"DT", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "POS", "CD", "HYPH", "PRP$", "-LRB-", "-RRB-"}


def relative_antecedent(seq: "Seq", src: "Span") -> "tuple[Span, list[str], list[str]] | None":
    """The noun phrase a relative-pronoun source stands for ("the US Secretary of State, who conveyed"):
    its character span, forms and tags, or None when the source is no relative pronoun.

    >>> from presslens.document.spans import Document
    >>> from presslens.syntax.segment import segment
    >>> from presslens.attribution.sequences import doc_sequences
    >>> seq = doc_sequences(segment(Document("d", "Calls came from the Secretary of State, who said talks would resume.")))[0]
    >>> who = seq.words.index("who")
    >>> relative_antecedent(seq, (who, who + 1))[1]
    ['the', 'Secretary', 'of', 'State']
    """
    a, b = src
    if b - a != 1 or seq.words[a] not in _RELATIVE:
        return None
    j = a - 1
    if j >= 0 and seq.words[j] == ",":
        j -= 1
    end = j + 1
    while j >= 0 and seq.sent[j] == seq.sent[a] and (
            seq.tags[j] in _ANTECEDENT_TAGS
            or (seq.words[j] in _NAME_LINKS and j > 0 and _is_cap(seq.forms[j - 1]) and _is_cap(seq.forms[j + 1]))):
        j -= 1
    start = j + 1
    if start >= end or not any(seq.tags[k].startswith(("NN", "PRP")) for k in range(start, end)):
        return None
    return (seq.starts[start], seq.ends[end - 1]), seq.forms[start:end], seq.tags[start:end]


def _type_and_resolve(doc: Document, rels: list[_Rel], lex: SourceLexicon, parties: "PartyConfig | None") -> None:
    """Type each source; resolve pronoun sources to the last agreeing source.

    The antecedent is the source of the nearest earlier attribution that is
    not nested (a source quoted inside a quote is rarely the one who goes on
    speaking) and agrees in number.
    """
    history: list[_Rel] = []
    prev: _Rel | None = None
    for r in rels:
        if not r.source:
            # "..., said the minister, adding that ...": a participle goes on
            # with the source of the attribution before it in the sentence.
            if r.cue and prev and prev.sent == r.sent and prev.source and r.cue_word.endswith("ing"):
                r.resolves_to = prev.resolves_to or doc.span_text(*prev.source)
                r.source_type, r.number, r.source_party = prev.source_type, prev.number, prev.source_party
            prev = r
            continue  # otherwise agentless ("it was reported"): no source, no type
        prev = r
        forms, tags = r.source_toks
        low = [f.lower() for f in forms]
        if r.antecedent is not None:
            # ", who warned ...": the person named before; a relative clause's subject is
            # no antecedent for a later "he" (main-clause subjects are), so no history.
            span, a_forms, a_tags = r.antecedent
            r.resolves_to = doc.span_text(*span)
            r.source_type, r.number = type_source(a_forms, a_tags, lex)
            if parties is not None:
                r.source_party = parties.party_of(r.resolves_to)
            continue
        if len(low) == 1 and low[0] in _PERSONAL:
            want = _PERSONAL[low[0]]
            ante = None
            for o in reversed(history[-8:]):
                if o.para < r.para - 3:
                    break
                if want == "it" and o.source_type in ("institution", "media", "document"):
                    ante = o
                elif want == "pl" and (o.number == "pl" or o.source_type in ("institution", "media")):
                    ante = o
                elif want == "sg" and o.number == "sg" and o.source_type in ("named_person", "unnamed_official", "anonymous"):
                    ante = o
                if ante:
                    break
            if ante:
                r.resolves_to = ante.resolves_to or doc.span_text(*ante.source)
                r.source_type, r.number, r.source_party = ante.source_type, ante.number, ante.source_party
            else:
                r.source_type = {"sg": "named_person", "pl": "anonymous", "it": "institution"}[want]
                r.number = "pl" if want == "pl" else "sg"
        else:
            r.source_type, r.number = type_source(forms, tags, lex, after=r.source_after)
            if parties is not None:
                r.source_party = parties.party_of(doc.span_text(*r.source))
            if not r.nested:
                history.append(r)
            continue
        if not r.nested:
            history.append(r)
