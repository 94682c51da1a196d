"""Parties proposed from the text, for a researcher who has no parties file yet.

:func:`propose_parties` finds the actors of one article (or of a corpus):

1. **countries**, by every name the shipped gazetteer knows for them
   (:mod:`presslens.framing.gazetteer`: "Pakistan", "Islamabad",
   "Pakistani", "Pakistanis" are one party), with the phrases that name their
   state ("Pakistani officials", "Pakistani delegation");
2. **organisations and armed groups**, as capitalised phrases of the body
   text that no gazetteer knows ("Afghan Taliban", "Hamas", "TTP"); the
   variants of one name are one party ("Afghan Taliban", "Taliban"), and
   people's names ("Ishaq Dar", then "Dar") are left out;
3. a country's **state bodies** ("the Turkish Ministry of Foreign Affairs")
   join the country; an organisation the text calls a country's government
   ("the Afghan Taliban government") takes the country's name, capital and
   state phrases ("Kabul", "Afghan security forces").

Every candidate is then run through the framing layer itself (the parser's
roles): only those that **act or are acted upon** at least once in the body
text are proposed, most mentioned first. Groups named by common nouns
("militants", "protesters") are not found: add them to the file.

:func:`proposal_yaml` writes the proposal as a parties file, every party
with a comment saying how it was found, ready to edit and pass back with
``--parties``.

>>> from presslens import annotate_text
>>> doc = annotate_text("Talks resume\\n\\nPakistan accused the Taliban. Islamabad said Taliban fighters attacked "
...                     "Pakistani posts. The Taliban denied it.")
>>> [(p.label, p.aliases[:3]) for p in propose_parties([doc])]
[('Pakistan', ('Pakistan', 'Islamabad', 'Pakistani')), ('Taliban', ('Taliban',))]
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from presslens.document.spans import Document
from presslens.framing.gazetteer import Gazetteer, default_gazetteer
from presslens.framing.parties import PartyConfig

#: Nouns that name a country's state when a demonym modifies them ("Pakistani officials").
STATE_NOUNS = {"government", "officials", "official", "authorities", "forces", "army", "military", "delegation",
               "delegates", "ministry", "troops", "police", "diplomats", "negotiators", "leadership", "leaders",
               "administration", "regime", "spokesman", "spokesperson", "envoy", "embassy", "navy", "cabinet",
               "parliament", "president", "foreign", "office", "rulers", "state"}
#: Nouns that make a capitalised name an institution, never a person ("Ministry of Foreign Affairs",
#: "Israel Defense Forces"); titles such as "President" are not among them.
INSTITUTION_NOUNS = {"government", "authorities", "forces", "army", "military", "ministry", "police", "administration",
                     "regime", "embassy", "navy", "cabinet", "parliament", "office", "defence", "defense",
                     "council", "court", "party", "front", "movement", "agency", "commission", "committee"}
#: Words after an organisation's name that make it a country's government ("Taliban government").
GOVERNMENT_NOUNS = ("government", "regime", "administration", "authorities", "rulers")
_CONNECTORS = {"of", "for", "de", "del", "al", "e"}
_NOT_NAMES = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
              "Mr", "Mrs", "Ms", "Dr", "I"}
_ARABIC_ARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|ul)-[A-Z]")


@dataclass
class ProposedParty:
    """One proposed party: ``id``, ``label``, ``aliases`` and how it was found."""

    id: str
    label: str
    aliases: tuple[str, ...]
    kind: str  # "country" or "organisation"
    mentions: int = 0  # mentions the figures would count (body text, not places)
    actor_mentions: int = 0  # of them, acting or acted upon
    found: dict[str, int] = field(default_factory=dict)  # alias -> occurrences in the body text
    note: str = ""


@dataclass
class _Group:
    """Variants of one organisation's name, keyed by its core ("Taliban" for "Afghan Taliban")."""

    core: str
    variants: Counter = field(default_factory=Counter)
    countries: set[str] = field(default_factory=set)  # of the demonyms before it
    government_phrases: set[str] = field(default_factory=set)


def propose_parties(docs: Sequence[Document], gazetteer: Gazetteer | None = None,
                    min_actor_mentions: int = 1) -> list[ProposedParty]:
    """The parties of ``docs`` (segmented or bare), most mentioned first; see the module docstring."""
    from presslens.framing.mentions import add_mentions
    from presslens.framing.measures import counted_mentions
    from presslens.pipeline import TEXT_LAYERS, require

    gaz = gazetteer or default_gazetteer()
    docs = [require(d) for d in docs]
    countries: Counter = Counter()
    state_phrases: dict[str, Counter] = {}
    groups: dict[str, _Group] = {}
    for doc in docs:
        for words, tags in _body_sentences(doc):
            _scan(words, tags, gaz, countries, state_phrases, groups)
    candidates = _candidates(gaz, countries, state_phrases, groups)
    if not candidates:
        return []
    config = PartyConfig.from_dict({"parties": {p.id: {"label": p.label, "aliases": list(p.aliases)}
                                                for p in candidates}})
    matched: set[tuple[str, str]] = set()
    for doc in docs:
        probe = Document(doc.doc_id, doc.text, {}, {k: doc.layers[k] for k in TEXT_LAYERS})
        every = add_mentions(probe, config, keep_places=True).layer("mention")
        matched |= set(zip(every["label"], every["alias"])) if len(every) else set()
        counted = counted_mentions(probe)
        for p in candidates:
            mine = counted[counted["label"] == p.id] if len(counted) else counted
            p.mentions += len(mine)
            p.actor_mentions += int(mine["role"].isin(["agent", "patient"]).sum()) if len(mine) else 0
            for alias in (mine["alias"] if len(mine) else []):
                p.found[alias] = p.found.get(alias, 0) + 1
    kept = [p for p in candidates if p.actor_mentions >= min_actor_mentions]
    # A name the text uses only inside a longer one ("Doha" in "the Doha
    # Agreement") would count that name as the party: it is left out.
    for p in kept:
        p.aliases = tuple(a for a in p.aliases if (p.id, a) in matched
                          or not any(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", d.text) for d in docs))
    return sorted(kept, key=lambda p: (-p.mentions, p.label))


def _body_sentences(doc: Document):
    """``(words, tags)`` of each body sentence: the text every figure counts."""
    tok = doc.layer("token")
    starts, ends, tags = tok["start"].tolist(), tok["end"].tolist(), tok["label"].tolist()
    i = 0
    for s, e, label in doc.layer("sentence")[["start", "end", "label"]].itertuples(index=False):
        while i < len(starts) and starts[i] < s:
            i += 1
        j = i
        while j < len(starts) and ends[j] <= e:
            j += 1
        if label == "body":
            yield [doc.text[a:b] for a, b in zip(starts[i:j], ends[i:j])], tags[i:j]
        i = j


def _is_name_word(word: str, tag: str, first: bool) -> bool:
    if word in _NOT_NAMES or tag in ("DT", "PRP", "PRP$", "IN", "CC", "WP", "WDT", "MD", "EX"):
        return False
    capital = word[:1].isupper() or bool(_ARABIC_ARTICLE.match(word))
    # A sentence's first word is capitalised anyway: only a tagged proper noun counts there.
    return capital and (not first or tag in ("NNP", "NNPS"))


def _scan(words: list[str], tags: list[str], gaz: Gazetteer, countries: Counter,
          state_phrases: dict[str, Counter], groups: dict[str, _Group]) -> None:
    """Count the gazetteer's countries and collect name runs and state phrases of one sentence."""
    n = len(words)
    i = 0
    while i < n:
        if not _is_name_word(words[i], tags[i], i == 0):
            i += 1
            continue
        j = i + 1
        while j < n and (_is_name_word(words[j], tags[j], False) or (
                words[j] in _CONNECTORS and j + 1 < n and _is_name_word(words[j + 1], tags[j + 1], False))):
            j += 1
        _name_run(words, tags, i, j, gaz, countries, state_phrases, groups)
        i = j


def _name_run(words: list[str], tags: list[str], i: int, j: int, gaz: Gazetteer, countries: Counter,
              state_phrases: dict[str, Counter], groups: dict[str, _Group]) -> None:
    run = words[i:j]
    phrase = " ".join(run)
    cid = gaz.country_of(phrase)
    if cid:
        countries[cid] += 1
        if gaz.is_demonym(phrase):
            _state_phrase(words, tags, i, j, cid, state_phrases)
        return
    # Demonyms and country names before the name qualify it ("Afghan Taliban").
    k = 0
    quals = set()
    while k < len(run) - 1 and gaz.country_of(run[k]):
        quals.add(gaz.country_of(run[k]))
        countries[gaz.country_of(run[k])] += 1
        k += 1
    core = " ".join(run[k:])
    if not core or gaz.country_of(core) or core.isdigit():
        return
    group = groups.setdefault(core, _Group(core))
    group.variants[phrase] += 1
    group.countries |= quals
    after = words[j].lower() if j < len(words) else ""
    if after in GOVERNMENT_NOUNS or (after == "-led" and j + 1 < len(words) and words[j + 1].lower() in GOVERNMENT_NOUNS):
        group.government_phrases.add(f"{phrase} {words[j]}")


def _state_phrase(words: list[str], tags: list[str], i: int, j: int, cid: str,
                  state_phrases: dict[str, Counter]) -> None:
    """"Pakistani officials", "Afghan security forces": a demonym, up to two modifiers, a state noun."""
    for k in range(j, min(j + 3, len(words))):
        w = words[k].lower()
        if w in STATE_NOUNS and tags[k] in ("NN", "NNS") and w not in ("foreign", "office", "state", "president"):
            state_phrases.setdefault(cid, Counter())[" ".join(words[i:k + 1])] += 1
            return
        if not words[k].isalpha() or not words[k].islower() or tags[k] not in ("JJ", "NN", "VBN"):
            return


def _candidates(gaz: Gazetteer, countries: Counter, state_phrases: dict[str, Counter],
                groups: dict[str, _Group]) -> list[ProposedParty]:
    """Country and organisation candidates, with state bodies and governments merged."""
    from presslens.attribution.sources import type_source

    people = {g.core for g in groups.values() if _is_person(g, gaz, type_source)}
    surnames = {core.split()[-1] for core in people}
    out: dict[str, ProposedParty] = {}
    for cid in countries:
        c = gaz.countries[cid]
        extra = [p for p, _ in state_phrases.get(cid, Counter()).most_common()]
        aliases = [v for v in c.variants if gaz.country_of(v) == cid] + extra
        out[cid] = ProposedParty(cid, c.name, tuple(dict.fromkeys(aliases)), "country",
                                 note="country (gazetteer lexicons/countries.tsv)")
    taken = {a for p in out.values() for a in p.aliases}
    bodies: dict[str, list[str]] = {}
    for g in sorted(groups.values(), key=lambda g: (-sum(g.variants.values()), g.core)):
        if g.core in people or g.core in surnames:
            continue
        variants = [v for v, _ in g.variants.most_common() if v not in taken]
        home = next(iter(g.countries)) if len(g.countries) == 1 else None
        if home in out and any(w.lower() in INSTITUTION_NOUNS - {"party", "front", "movement"} for w in g.core.split()):
            # "Turkish Ministry of Foreign Affairs": a body of the country's
            # state, already named by its demonym (whose noun phrase gives the
            # role); kept in case a group governing the country takes it over.
            bodies.setdefault(home, []).extend(variants)
            taken |= set(variants)
            continue
        if not variants:
            continue
        label = max(variants, key=lambda v: (g.variants[v] + (len(g.countries) > 0) * (v != g.core), len(v)))
        pid = _identifier(label, out)
        aliases = variants + sorted(g.government_phrases - taken)
        party = ProposedParty(pid, label, tuple(dict.fromkeys(aliases)), "organisation",
                              note="organisation or group (a capitalised name of the body text)")
        # Which country it governs: the one its demonym names ("Afghan Taliban").
        rulers = g.countries & set(out) if g.government_phrases and len(g.countries) == 1 else set()
        if rulers:
            # "The Afghan Taliban government": the text makes the group the
            # country's government, so the country's name, capital and state
            # phrases name the group; its bare demonym ("Afghan soil") does not.
            cid = rulers.pop()
            c = out.pop(cid)
            state = [a for a in c.aliases if a not in gaz.countries[cid].demonyms] + bodies.get(cid, [])
            party.aliases = tuple(dict.fromkeys([*party.aliases, *state]))
            party.note += (f"; the text calls it the government of {c.label} "
                           f"(\"{sorted(g.government_phrases)[0]}\"), so {c.label}'s names, capital and "
                           "state phrases are its aliases")
        taken |= set(party.aliases)
        out[pid] = party
    return list(out.values())


def _is_person(group: _Group, gaz: Gazetteer, type_source) -> bool:
    """A person's name: two name words or more that the source typer reads as a person ("Ishaq Dar")."""
    for variant in group.variants:
        words = [w for w in variant.split() if not gaz.is_demonym(w)]
        if len(words) < 2 or any(w.lower() in INSTITUTION_NOUNS for w in words):
            continue
        if type_source(words, ["IN" if w in _CONNECTORS else "NNP" for w in words])[0] == "named_person":
            return True
    return False


def _identifier(label: str, taken: dict[str, ProposedParty]) -> str:
    """A parties-file id from a label: "Afghan Taliban" -> ``afghan_taliban``.

    >>> _identifier("Tehreek-e-Taliban Pakistan (TTP)", {})
    'tehreek_e_taliban_pakistan_ttp'
    """
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "party"
    if base[0].isdigit():
        base = "p_" + base
    pid, k = base, 2
    while pid in taken:
        pid, k = f"{base}_{k}", k + 1
    return pid


def proposal_config(parties: Sequence[ProposedParty], source: str = "<proposal>") -> PartyConfig:
    """The proposal as a :class:`PartyConfig`, as the parties file would load it."""
    cfg = PartyConfig.from_dict({"parties": {p.id: {"label": p.label, "aliases": list(p.aliases)} for p in parties}})
    cfg.source = source
    return cfg


def proposal_yaml(parties: Sequence[ProposedParty], input_name: str, version: str = "") -> str:
    """The proposal as a commented parties file, ready to edit and pass back with ``--parties``.

    >>> p = ProposedParty("pakistan", "Pakistan", ("Pakistan", "Islamabad"), "country", 3, 2, {"Pakistan": 3}, "country")
    >>> print(proposal_yaml([p], "talks.txt").split("parties:")[1])
    <BLANKLINE>
      pakistan:
        # country; 3 mentions in the body text, 2 of them acting or acted upon; found: Pakistan 3
        label: "Pakistan"
        aliases: ["Pakistan", "Islamabad"]
    <BLANKLINE>
    """
    head = [
        f"# Parties proposed by presslens{' ' + version if version else ''} from {input_name}: detected, not chosen.",
        "# Check them before citing a figure: rename labels, merge or split parties, delete",
        "# aliases that name something else, and add the groups presslens cannot find (those",
        "# named by common nouns, such as militants or protesters: {text: militants, ignore_case: true}).",
        "# Then give this file back:  presslens report ARTICLE --parties parties.yml",
        "# How aliases match (case, place names, anti-/pro- compounds): docs/parties.md",
    ]
    if not parties:
        head.append("# No party acting or acted upon was found: add yours below, as in docs/parties.md.")
        return "\n".join(head) + "\nparties: {}\n"
    lines = [*head, "parties:"]
    for p in parties:
        found = ", ".join(f"{a} {n}" for a, n in sorted(p.found.items(), key=lambda x: (-x[1], x[0])))
        lines += [f"  {p.id}:",
                  f"    # {p.note}; {p.mentions} mention"
                  f"{'s' * (p.mentions != 1)} in the body text, {p.actor_mentions} of them acting or acted upon"
                  + (f"; found: {found}" if found else ""),
                  f"    label: {json.dumps(p.label, ensure_ascii=False)}",
                  f"    aliases: [{', '.join(json.dumps(a, ensure_ascii=False) for a in p.aliases)}]"]
    return "\n".join(lines) + "\n"


def write_proposal(docs: Sequence[Document], path: str | os.PathLike[str], version: str = "",
                   source: str | None = None) -> list[ProposedParty]:
    """Propose the parties of ``docs``, write them to ``path`` as a parties file, and return them.

    ``source`` names what they were proposed from in the file's first line
    (default: the article's id, or "N articles"). With no party found the
    file holds only its comments and an empty ``parties: {}``, to be filled in.
    """
    from presslens.document.outputs import atomic_text

    proposed = propose_parties(docs)
    name = source or (docs[0].doc_id if len(docs) == 1 else f"{len(docs)} articles")
    with atomic_text(Path(path)) as fh:
        fh.write(proposal_yaml(proposed, name, version))
    return proposed


def corpus_sample(paths: Sequence[str | os.PathLike[str]], max_docs: int = 300) -> tuple[list[Document], str]:
    """The articles of a corpus to propose parties from, and how to name them.

    A corpus of more than ``max_docs`` readable articles gives a reproducible
    sample of that many (seed 0): parsing every article of a large corpus
    would take long and find the same main actors. The corpus is read twice,
    a record at a time, never held in memory.
    """
    from presslens.document.inputs import iter_records, sample_ids

    ids = [r["doc_id"] for r in iter_records(paths) if not r["error"] and r["text"]]
    if not ids:
        from presslens.errors import InputError

        raise InputError(paths[0], "holds no readable article to propose parties from")
    chosen = set(sample_ids(ids, max_docs, seed=0))
    docs = [Document(r["doc_id"], r["text"], r["meta"] or {}) for r in iter_records(paths)
            if not r["error"] and r["text"] and r["doc_id"] in chosen]
    name = f"a sample of {len(docs)} of {len(ids)} articles (seed 0)" if len(ids) > max_docs else f"{len(ids)} articles"
    return docs, name


def load_proposal(path: str | os.PathLike[str]) -> PartyConfig | None:
    """A parties file that may hold no party yet (a proposal that found none): None then.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "parties.yml"
    >>> _ = f.write_text("# nothing found\\nparties: {}\\n", encoding="utf-8")
    >>> load_proposal(f) is None
    True
    """
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("parties") in ({}, None):
        return None
    return PartyConfig.from_file(path)
