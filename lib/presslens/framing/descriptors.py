"""Labels and descriptors: the words a text attaches to each party.

For every actor mention (the ``mention`` layer) the words that describe the
party are collected as spans of the raw text:

- ``name``: an evaluative word inside the alias itself ("*terrorist* groups",
  "*banned* militant organisations");
- ``modifier``: adjectives and nouns modifying the mention inside its noun
  phrase ("*hardline* Taliban");
- ``head``: the noun the alias modifies ("Pakistani *forces*");
- ``apposition``: ", a major non-NATO ally," after the noun phrase;
- ``predicate``: "X is / remains / became *a key partner*";
- ``called``: "X, described as / branded / labelled *a threat*", "X's
  status / role as *a major ally*".

Descriptors in the cited lexicon ``lexicons/descriptors.yml`` also carry
their group (delegitimising, status and legitimacy, victim).

>>> from presslens import annotate_text
>>> from presslens.framing.mentions import add_mentions
>>> from presslens.framing.parties import PartyConfig
>>> cfg = PartyConfig.from_dict({"parties": {"us": {"label": "US", "aliases": ["United States"]}}})
>>> doc = add_mentions(annotate_text("The United States, a major non-NATO ally, left."), cfg)
>>> party_descriptors(doc, cfg)[["party", "text", "kind", "group"]].values.tolist()
[['us', 'a major non-NATO ally', 'apposition', 'legitimising']]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from presslens.errors import ConfigError
from presslens.resources.files import SafeLoader, lexicon_path
from presslens.document.spans import Document
from presslens.framing.measures import counted_mentions
from presslens.pipeline import require

COLUMNS = ["party", "mention_start", "start", "end", "text", "kind", "group"]

_DESCRIPTIVE_TAGS = {"JJ", "JJR", "JJS", "VBN", "VBG", "NN", "NNS"}
_COPULAS = {"is", "are", "was", "were", "remains", "remain", "remained", "became", "become", "becomes",
            "'s", "has been", "have been", "had been", "seems", "seemed"}
_CALLED = {"described", "labelled", "labeled", "branded", "called", "dubbed", "termed", "designated", "seen",
           "regarded", "viewed", "considered"}
_ACTOR_NOUNS = {"forces", "force", "troops", "officials", "official", "leaders", "leader", "leadership",
                "government", "authorities", "army", "military", "delegation", "delegates", "fighters",
                "militants", "groups", "group", "police", "ministry", "minister", "spokesman", "spokesperson",
                "diplomats", "negotiators", "envoy", "commanders", "regime", "administration", "soldiers"}
_ROLE_NOUNS = {"status", "role", "position", "reputation", "image", "standing", "designation"}
_STOP_TAGS = {",", ".", ":", "CC", "IN", "WDT", "WP", "MD", "TO", "-LRB-", "-RRB-", "``", "''"}


@dataclass(frozen=True)
class DescriptorLexicon:
    groups: dict[str, str]  # group id -> label
    phrases: dict[tuple[str, ...], str]  # lower-case words -> group id
    max_len: int


def load_descriptor_lexicon(extra: str | os.PathLike[str] | None = None) -> DescriptorLexicon:
    """The shipped descriptor lexicon, extended by a user YAML of the same shape.

    >>> load_descriptor_lexicon().phrases[("terrorist",)]
    'delegitimising'
    """
    groups: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for path in [lexicon_path("descriptors.yml")] + ([Path(extra)] if extra else []):
        try:
            data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read descriptor lexicon ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("groups"), dict):
            raise ConfigError(f"{path}: expected a mapping with a 'groups' key")
        for gid, spec in data["groups"].items():
            groups.setdefault(str(gid), str(spec.get("label") or gid))
            for w in spec.get("words", []):
                words = tuple(str(w).lower().split())
                phrases[words] = str(gid)
                if len(words) == 1:
                    phrases.setdefault((words[0] + ("es" if words[0].endswith(("s", "x", "ch", "sh")) else "s"),), str(gid))
    return DescriptorLexicon(groups, phrases, max(len(p) for p in phrases))


@lru_cache(maxsize=1)
def default_descriptor_lexicon() -> DescriptorLexicon:
    return load_descriptor_lexicon()


def _group(words: list[str], lex: DescriptorLexicon) -> str | None:
    """The first lexicon group found in ``words`` (longest phrase first)."""
    for n in range(min(lex.max_len, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            g = lex.phrases.get(tuple(words[i:i + n]))
            if g:
                return g
    return None


def party_descriptors(doc: Document, parties, extra: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per descriptor: ``party``, ``mention_start``, ``start``, ``end``, ``text``, ``kind``, ``group``.

    Only the mentions the figures count are described (place-only mentions,
    the headline and boilerplate are skipped). Needs tokens and the
    ``mention`` layer (added when absent).
    """
    lex = load_descriptor_lexicon(extra) if extra else default_descriptor_lexicon()
    require(doc, "mention", parties=parties)
    every = doc.layer("mention")
    m = counted_mentions(doc)
    tok = doc.layer("token")
    if not len(m) or not len(tok):
        return pd.DataFrame(columns=COLUMNS)
    starts = tok["start"].to_numpy()
    ends = tok["end"].to_numpy()
    tags = tok["label"].tolist()
    text = doc.text
    low = [text[s:e].lower() for s, e in zip(starts.tolist(), ends.tolist())]
    alias_spans = list(zip(every["start"].astype(int), every["end"].astype(int)))
    sent_end = dict(zip(range(len(doc.layer("sentence"))), doc.layer("sentence")["end"].astype(int)))
    rows: list[tuple] = []
    seen: set[tuple[str, int, int]] = set()

    def add(pid: str, ms: int, i: int, j: int, kind: str) -> None:
        if j <= i:
            return
        s, e = int(starts[i]), int(ends[j - 1])
        if (pid, s, e) in seen:
            return
        seen.add((pid, s, e))
        rows.append((pid, ms, s, e, text[s:e], kind, _group(low[i:j], lex)))

    for r in m.to_dict("records"):
        if r.get("place_only"):
            continue
        pid, ms, me = r["label"], int(r["start"]), int(r["end"])
        ns, ne = int(r["np_start"]), int(r["np_end"])
        a = int(np.searchsorted(starts, ns, "left"))
        b = int(np.searchsorted(starts, ne, "left"))
        ai = int(np.searchsorted(ends, ms, "right"))
        aj = int(np.searchsorted(starts, me, "left"))
        limit = int(np.searchsorted(starts, sent_end.get(int(r["sentence"]), len(text)), "left"))
        # Evaluative words inside the alias name the party by a label.
        for k in range(ai, aj):
            if _group([low[k]], lex) and tags[k] in _DESCRIPTIVE_TAGS:
                add(pid, ms, k, k + 1, "name")
        # Modifiers before the alias and the head noun after it, inside the NP;
        # other parties' aliases are mentions of their own, not descriptors.
        for k in range(a, ai):
            if tags[k] in _DESCRIPTIVE_TAGS and not any(s <= starts[k] < e for s, e in alias_spans):
                add(pid, ms, k, k + 1, "modifier")
        # Only actor nouns ("Pakistani forces"): "Pakistani soil" or "militant
        # hideouts" name things, not the party.
        if b > aj and tags[b - 1] in {"NN", "NNS"} and not r.get("stance") and (
                low[b - 1] in _ACTOR_NOUNS or _group([low[b - 1]], lex)):
            add(pid, ms, b - 1, b, "head")
        # Apposition: ", (a|an|the) ... ," right after the noun phrase.
        if b < limit and low[b] == "," and b + 1 < limit and tags[b + 1] in {"DT", "JJ", "JJS", "NN"}:
            k = b + 1
            while k < limit and k - b <= 10 and tags[k] not in _STOP_TAGS and not tags[k].startswith("VB") or (
                    k < limit and tags[k] == "VBN" and k > b + 1):
                k += 1
            if k < limit and low[k] in {",", ".", ";"} and any(t.startswith("NN") for t in tags[b + 1:k]):
                add(pid, ms, b + 1, k, "apposition")
        # Predicate: "X is a ...", "X remains ...".
        k = b
        while k < limit and tags[k] == "RB":
            k += 1
        if k < limit and low[k] in _COPULAS:
            k += 1
            while k < limit and low[k] in {"been", "not", "also", "still", "now", "seen", "as"}:
                k += 1
            j = k
            while j < limit and tags[j] not in _STOP_TAGS and not (tags[j].startswith("VB") and tags[j] != "VBN"):
                j += 1
            # A participle right after the copula is a passive, and "is set to
            # take place" a plan: neither is a label.
            if j > k and not (j < limit and low[j] == "to") and tags[k] in {"DT", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "PRP$", "CD"} and any(
                    t.startswith(("NN", "JJ")) for t in tags[k:j]):
                add(pid, ms, k, j, "predicate")
        # "X's status as a major ally", "X's role as mediator"
        if b + 2 < limit and low[b] in {"'s", "’s"} and low[b + 1] in _ROLE_NOUNS and low[b + 2] == "as":
            j = k = b + 3
            while j < limit and tags[j] not in _STOP_TAGS and not tags[j].startswith("VB"):
                j += 1
            if j > k:
                add(pid, ms, k, j, "called")
        # "described as ...", "branded ..."
        k = b + (1 if b < limit and low[b] == "," else 0)
        while k < limit and low[k] in {"is", "are", "was", "were", "been", "being", "has", "have", "had", "often",
                                       "widely", "also"}:
            k += 1
        if k < limit and low[k] in _CALLED:
            k += 1 + (k + 1 < limit and low[k + 1] == "as")
            j = k
            while j < limit and tags[j] not in _STOP_TAGS and not (tags[j].startswith("VB") and tags[j] != "VBN"):
                j += 1
            if j > k:
                add(pid, ms, k, j, "called")
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["start", "party"], kind="stable").reset_index(drop=True)


def descriptor_summary(descriptors: pd.DataFrame, parties) -> pd.DataFrame:
    """Per party: the descriptors (most frequent first) and counts by group.

    >>> from presslens.framing.parties import PartyConfig
    >>> cfg = PartyConfig.from_dict({"parties": {"m": {"label": "Militants", "aliases": ["militants"]}}})
    >>> d = pd.DataFrame([("m", 0, 0, 6, "banned", "modifier", "delegitimising")], columns=COLUMNS)
    >>> descriptor_summary(d, cfg)[["label", "descriptors", "delegitimising"]].values.tolist()
    [['Militants', 'banned', 1]]
    """
    lex = default_descriptor_lexicon()
    rows = []
    for pid in parties.ids:
        d = descriptors[descriptors["party"] == pid]
        counts = d["text"].str.lower().value_counts()
        listed = "; ".join(f"{t} ({n})" if n > 1 else t for t, n in counts.items())
        row = {"party": pid, "label": parties.label(pid), "descriptors": listed, "n": len(d)}
        for g in lex.groups:
            row[g] = int((d["group"] == g).sum())
        rows.append(row)
    return pd.DataFrame(rows)
