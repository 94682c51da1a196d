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


_CHUNK_STOP_TAGS = {"IN", "WDT", "WP", "VBG", "VBN", "VBD", "VBZ", "VBP", "VB", ",", ":", "-LRB-", "TO", "CC", "MD"}


def _head_chunk(words: list[str], tags: list[str]) -> int:
    """Index where the first noun chunk of a source ends (before "of", "who", ...)."""
    seen_noun = False
    for i, t in enumerate(tags):
        if t.startswith("NN") or t.startswith("PRP"):
            seen_noun = True
        elif seen_noun and (t in _CHUNK_STOP_TAGS or words[i] in {"familiar", "close", "with"}):
            return i
    return len(tags)


def type_source(forms: list[str], tags: list[str], lexicon: SourceLexicon | None = None) -> tuple[str, str]:
    """``(source_type, number)`` of a source phrase from its tokens and tags.

    Lexicon phrases win ("White House", "news agency"), then the head noun of
    the first chunk ("sources" in "sources familiar with the talks"); a
    capitalised head that no list knows is a person's name. ``number`` is
    ``sg`` or ``pl`` (for pronoun agreement).

    >>> type_source(["diplomatic", "sources"], ["JJ", "NNS"])
    ('anonymous', 'pl')
    >>> type_source(["Foreign", "Minister", "Ishaq", "Dar"], ["NNP", "NNP", "NNP", "NNP"])
    ('named_person', 'sg')
    >>> type_source(["the", "Turkish", "Ministry", "of", "Foreign", "Affairs"], ["DT", "JJ", "NNP", "IN", "NNP", "NNPS"])
    ('institution', 'sg')
    """
    lex = lexicon or default_source_lexicon()
    words = [f.lower().rstrip(".") for f in forms]
    end = _head_chunk(words, tags) or len(words)
    chunk_w, chunk_t = words[:end], tags[:end]
    nouns = [i for i, t in enumerate(chunk_t) if t.startswith("NN") or t.startswith("PRP") or t == "CD"]
    head = nouns[-1] if nouns else len(chunk_w) - 1
    number = "pl" if chunk_t and chunk_t[head] in ("NNS", "NNPS") else "sg"
    # Multiword names anywhere in the chunk ("the White House", "state media").
    for n in (4, 3, 2):
        for i in range(len(chunk_w) - n + 1):
            stype = lex.phrases.get(tuple(chunk_w[i:i + n]))
            if stype:
                return stype, number
    hw = chunk_w[head] if chunk_w else ""
    if hw in lex.words:
        stype = lex.words[hw]
        if stype == "unnamed_official" and _has_name(chunk_w, chunk_t, forms, lex, head):
            return "named_person", "sg"
        return stype, number
    if hw.endswith("s") and hw[:-1] in lex.words:
        return lex.words[hw[:-1]], "pl"
    # A capitalised head: a name. Other capitalised words in the chunk that a
    # list knows ("Reuters", "Congress") were caught above.
    if chunk_t and chunk_t[head].startswith("NNP") or (forms and forms[min(head, len(forms) - 1)][:1].isupper()):
        return "named_person", "sg"
    return "anonymous", number


def _has_name(words: list[str], tags: list[str], forms: list[str], lex: SourceLexicon, head: int) -> bool:
    """True when an official noun comes with a personal name ("spokesman Zabihullah Mujahid").

    A possessor is whom the official serves, not the official's name:
    "Trump's spokesman" is an unnamed official.
    """
    for i, t in enumerate(tags):
        if i + 1 < len(tags) and tags[i + 1] == "POS":
            continue
        if i != head and t.startswith("NNP") and words[i] not in lex.words and words[i] not in lex.titles \
                and not (forms[i][:1].isupper() and words[i].endswith(("an", "ish", "i", "ese"))):
            return True
    return False


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
            r.source_type, r.number = type_source(forms, tags, lex)
            if parties is not None:
                r.source_party = parties.party_of(doc.span_text(*r.source))
            if not r.nested:
                history.append(r)
            continue
        if not r.nested:
            history.append(r)
