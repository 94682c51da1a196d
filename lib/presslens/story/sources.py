"""Sources normalised across articles: one speaker, however each outlet names them.

A named person is their name without titles and offices ("Defence Minister
Khawaja Asif" and "Mr Asif" are "Khawaja Asif"); a bare surname joins the one
full name that ends in it across the articles (none when two full names
share it). Unnamed officials and anonymous sources are one group per party
("Pakistani officials" and "officials in Islamabad" are "unnamed officials
(Pakistan)"); institutions, media and documents are their words without
articles, possessives and party names ("the Foreign Office" and "Pakistan's
Foreign Office"). A pronoun source speaks as the source it resolves to.
Titles and office words come from the source-noun lexicon
(``lexicons/source_nouns.yml``).

>>> rows = [{"source": "Defence Minister Khawaja Asif", "source_type": "named_person"},
...         {"source": "Asif", "source_type": "named_person"},
...         {"source": "Pakistani officials", "source_type": "unnamed_official", "source_party": "pk"}]
>>> [s.label for s in normalise_sources(rows, party_label={"pk": "Pakistan"}.get)]
['Khawaja Asif', 'Khawaja Asif', 'unnamed officials (Pakistan)']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from presslens.attribution.sources import default_source_lexicon

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"}
GROUP_NAMES = {"anonymous": "anonymous sources", "unnamed_official": "unnamed officials"}


@dataclass(frozen=True)
class Source:
    """A speaker across articles: ``key`` groups, ``label`` is shown, ``kind`` is the source type."""

    key: str
    label: str
    kind: str
    party: str | None = None


def _office_words() -> frozenset[str]:
    lex = default_source_lexicon()
    return lex.titles | {w for w, t in lex.words.items() if t in ("unnamed_official", "institution")}


def person_name(text: str) -> str:
    """The name in a named-person source, without titles, offices or an appositive.

    >>> person_name("Pakistan's Defence Minister Khawaja Asif")
    'Khawaja Asif'
    >>> person_name("Zabihullah Mujahid, the Taliban spokesman")
    'Zabihullah Mujahid'
    >>> person_name("Mr. Asif")
    'Asif'
    """
    office = _office_words()
    best: list[str] = []
    for part in text.split(","):
        words = [w.rstrip(".").replace("’", "'") for w in _WORD.findall(part)]
        words = [w[:-2] if w.endswith("'s") else w for w in words]
        run: list[str] = []
        for w in words:  # the last run of capitalised words
            run = run + [w] if w[:1].isupper() else []
            if w[:1].isupper() and w.lower() in office:
                run = []  # a name follows its titles: keep what comes after the last one
        if run:
            best = run
            break
    return " ".join(best) if best else " ".join(text.split())


def _plain_key(text: str, party_words: Sequence[str] = ()) -> str:
    """Lower-cased words without articles, possessive endings and the given party words."""
    drop = {w.lower() for w in party_words}
    words = []
    for w in _WORD.findall(text.replace("’", "'")):
        w = w.lower().removesuffix("'s").rstrip(".")
        if w and w not in _DETERMINERS and w not in drop:
            words.append(w)
    return " ".join(words)


def normalise_sources(rows: Sequence[Mapping[str, Any]],
                      party_label: Callable[[str], str | None] | None = None,
                      party_words: Sequence[str] = ()) -> list[Source | None]:
    """One :class:`Source` per attribution row (None when nothing speaks: "it was reported").

    ``rows`` are mappings with ``source`` (text), ``source_type``, and
    optionally ``source_party`` and ``source_resolves_to``, from every
    article; names are merged across all of them. ``party_words`` are the
    parties' aliases, left out of institution keys.
    """
    label_of = party_label or (lambda p: p)
    base: list[tuple[str, str, str | None] | None] = []  # (kind, text, party)
    for r in rows:
        text = r.get("source_resolves_to") or r.get("source")
        kind = r.get("source_type") or "untyped"
        if not isinstance(text, str) or not text.strip():
            base.append(None)
            continue
        party = r.get("source_party") if isinstance(r.get("source_party"), str) else None
        base.append((str(kind), text, party))
    # Bare surnames join the one full name ending in them.
    full: dict[str, set[tuple[str, ...]]] = {}
    for b in base:
        if b and b[0] == "named_person":
            toks = tuple(person_name(b[1]).split())
            if toks:
                full.setdefault(toks[-1].lower(), set()).add(toks)
    out: list[Source | None] = []
    for b in base:
        if b is None:
            out.append(None)
            continue
        kind, text, party = b
        if kind == "named_person":
            toks = tuple(person_name(text).split())
            forms = full.get(toks[-1].lower(), set()) if toks else set()
            longer = {f for f in forms if len(f) > len(toks) and f[-len(toks):] == toks}
            if longer:
                longest = max(longer, key=len)
                if all(f[-len(toks):] == toks and longest[-len(f):] == f for f in longer):
                    toks = longest
            name = " ".join(toks)
            out.append(Source(f"person:{name.lower()}", name, kind, party))
        elif kind in GROUP_NAMES:
            lab = GROUP_NAMES[kind] + (f" ({label_of(party) or party})" if party else "")
            out.append(Source(f"{kind}:{party or ''}", lab, kind, party))
        else:
            key = _plain_key(text, party_words)
            shown = " ".join(w for w in text.split() if w.lower() not in _DETERMINERS) or text
            if not key and party:
                # Only a party's name ("Islamabad said"): the party itself speaks.
                shown = label_of(party) or party
            elif not key:
                key = _plain_key(text)
            out.append(Source(f"{kind}:{party or ''}:{key}", shown, kind, party))
    # An institution named without its party ("the Foreign Ministry") is the
    # one party's institution of that name, when exactly one party has it.
    owners: dict[str, set[str]] = {}
    for s in out:
        if s is not None and s.party and s.kind not in GROUP_NAMES and s.kind != "named_person":
            owners.setdefault(s.key.split(":", 2)[2], set()).add(s.party)
    for k, s in enumerate(out):
        if s is not None and not s.party and s.kind not in GROUP_NAMES and s.kind != "named_person":
            parties = owners.get(s.key.split(":", 2)[2], set())
            if len(parties) == 1:
                party = next(iter(parties))
                out[k] = Source(f"{s.kind}:{party}:{s.key.split(':', 2)[2]}", s.label, s.kind, party)
    # One label per key: the longest form seen (the most informative one).
    best: dict[str, str] = {}
    for s in out:
        if s is not None and len(s.label) > len(best.get(s.key, "")):
            best[s.key] = s.label
    return [None if s is None else Source(s.key, best[s.key], s.kind, s.party) for s in out]
