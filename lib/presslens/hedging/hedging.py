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
>>> doc = add_hedges(presslens.annotate_text("Talks could resume. Officials confirmed it."))
>>> doc.layer("hedge")[["start", "end", "label", "negated"]].values.tolist()
[[6, 11, 'modal', False]]

Measures are plain functions of a document's spans returning tidy tables:
:func:`hedged_claims` (one row per claim = body sentence) and
:func:`hedge_measures` (one row per measure).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from presslens.errors import ConfigError
from presslens.resources.files import SafeLoader, file_sha256, lexicon_path, load_yaml
from presslens.document.spans import Document
from presslens.syntax.segment import normalise_same_length, word_char_counts

#: Hedge categories (issue 4), in display order.
HEDGE_CATEGORIES: tuple[str, ...] = (
    "modal", "anticipatory", "epistemic_verb", "epistemic_adverb", "epistemic_adjective",
    "conditional", "investigation", "approximator", "unverified_attribution",
)
#: Booster categories, in display order.
BOOSTER_CATEGORIES: tuple[str, ...] = ("certainty_verb", "certainty_adverb", "emphasis", "strong_modal")
#: A lexicon entry of category ``none`` matches and emits nothing: it keeps
#: the tokens of a non-hedge phrase ("is set to") from matching anything else.
BLOCK = "none"

#: Up to this many adverbs/negations may stand between two tokens of a cue.
MAX_GAP = 2

NEGATORS = frozenset({"not", "n't", "never", "no", "cannot"})
_BE = ("be", "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m", "isn't", "aren't", "wasn't", "weren't")
_HAVE = ("have", "has", "had", "having", "'ve", "'d")
_DO = ("do", "does", "did")
_MACROS = {"BE": _BE, "HAVE": _HAVE, "DO": _DO}
# Irregular verb forms the "+" suffix adds (regular ones are generated).
_IRREGULAR = {
    "think": ("thought",), "see": ("saw", "seen"), "show": ("shown",), "prove": ("proven",),
    "know": ("knew", "known"), "find": ("found",), "foresee": ("foresaw", "foreseen"),
    "forecast": ("forecast",), "cast": ("cast",), "say": ("said",), "feel": ("felt",),
    "understand": ("understood",), "mean": ("meant",), "hold": ("held",),
}
_ADVERB_GAP_WORDS = frozenset({
    "also", "still", "yet", "now", "widely", "further", "generally", "already", "even", "only",
    "largely", "commonly", "broadly", "originally", "initially", "previously", "reportedly", "therefore",
})
_NOUN_DETERMINERS = frozenset({"the", "a", "an", "these", "those", "his", "her", "its", "their", "our", "my", "your"})


# --------------------------------------------------------------- the lexicon

@dataclass(frozen=True)
class Entry:
    """One compiled cue pattern."""

    pattern: str
    category: str
    source: str
    tokens: tuple[frozenset[str], ...]
    pos: tuple[str, ...] = ()
    check: str | None = None
    gaps: bool = True
    cls: str | None = None

    @property
    def kind(self) -> str:
        if self.category in HEDGE_CATEGORIES:
            return "hedge"
        if self.category in BOOSTER_CATEGORIES:
            return "booster"
        return BLOCK


@dataclass(frozen=True)
class Cue:
    """A matched cue inside one sentence (offsets into the document text)."""

    start: int
    end: int
    kind: str
    category: str
    negated: bool
    entry: str
    cls: str | None = None


def inflections(word: str) -> set[str]:
    """The word and its regular (plus listed irregular) verb/noun inflections.

    Over-generating is harmless: a form that is not English never occurs.

    >>> sorted(inflections("suggest"))
    ['suggest', 'suggested', 'suggesting', 'suggests']
    >>> sorted(inflections("believe"))
    ['believe', 'believed', 'believes', 'believing']
    """
    forms = {word}
    if word.endswith("e"):
        forms |= {word + "s", word + "d", word[:-1] + "ing"}
    elif word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    else:
        es = "es" if word.endswith(("s", "x", "z", "ch", "sh", "o")) else "s"
        forms |= {word + es, word + "ed", word + "ing"}
        # doubling for short closed syllables (admit -> admitted)
        if len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    forms.update(_IRREGULAR.get(word, ()))
    return forms


def compile_pattern(pattern: str) -> tuple[frozenset[str], ...]:
    """Token sets of a pattern string (see the syntax in ``hedges.yml``).

    >>> [sorted(t) for t in compile_pattern("in case of")]
    [['in'], ['case'], ['of']]
    >>> "were" in compile_pattern("BE expected to")[0]
    True
    """
    out = []
    for raw in pattern.split():
        forms: set[str] = set()
        for alt in raw.split("|"):
            if alt in _MACROS:
                forms.update(_MACROS[alt])
            elif alt.endswith("+") and len(alt) > 1:
                forms |= inflections(alt[:-1].lower())
            else:
                forms.add(alt.lower())
        out.append(frozenset(forms))
    if not out:
        raise ValueError("empty cue pattern")
    return tuple(out)


class _LineLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """A YAML loader that remembers the line of every mapping (for error messages)."""


def _construct_mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line)


def _read_entries(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Raw entries (with ``__line__``) and header of one lexicon file, validated."""
    data = load_yaml(path, _LineLoader)  # syntax errors -> ConfigError with file, line and column
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ConfigError(f"{path}: line 1: a hedge lexicon needs a list `entries:`")
    valid = set(HEDGE_CATEGORIES) | set(BOOSTER_CATEGORIES) | {BLOCK}
    entries = []
    for item in data["entries"]:
        line = item.get("__line__", "?") if isinstance(item, dict) else "?"
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: an entry is not a mapping: {item!r}")
        cue = item.get("cue")
        if not isinstance(cue, str) or not cue.split():
            raise ConfigError(f"{path}: line {line}: entry without a `cue` pattern")
        if item.get("disable"):
            entries.append(item)
            continue
        if item.get("category") not in valid:
            raise ConfigError(
                f"{path}: line {line}: cue {cue!r} has unknown category {item.get('category')!r} "
                f"(one of: {', '.join(sorted(valid))})"
            )
        if not item.get("source"):
            raise ConfigError(f"{path}: line {line}: cue {cue!r} needs a `source` (citation)")
        if item.get("check") and item["check"] not in CHECKS:
            raise ConfigError(f"{path}: line {line}: cue {cue!r} names unknown check {item['check']!r}")
        pos = item.get("pos", [])
        if isinstance(pos, str):
            pos = [pos]
        if not isinstance(pos, list) or not all(isinstance(p, str) for p in pos):
            raise ConfigError(f"{path}: line {line}: `pos` of {cue!r} must be a list of tag prefixes")
        item["pos"] = pos
        entries.append(item)
    header = {k: v for k, v in data.items() if k != "entries"}
    return entries, header


@dataclass
class HedgeLexicon:
    """The compiled cue lexicon, indexed by first token.

    >>> lex = HedgeLexicon.load()
    >>> lex.version
    '1.0'
    >>> any(e.category == "anticipatory" for e in lex.candidates("is"))
    True
    """

    entries: list[Entry]
    version: str = "?"
    files: list[str] = field(default_factory=list)
    sha256: list[str] = field(default_factory=list)
    _index: dict[str, list[Entry]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Entry]] = {}
        for entry in self.entries:
            for form in entry.tokens[0]:
                index.setdefault(form, []).append(entry)
        # longest patterns first, so the first full match at a position is the best one
        for cands in index.values():
            cands.sort(key=lambda e: -len(e.tokens))
        self._index = index

    @classmethod
    def load(cls, extra: str | os.PathLike[str] | None = None) -> "HedgeLexicon":
        """The shipped lexicon, merged with a user file of the same shape.

        A user entry with the same ``cue`` as a shipped one replaces it;
        ``disable: true`` removes it. Malformed files raise
        :class:`~presslens.errors.ConfigError` naming the file and line.

        >>> HedgeLexicon.load().describe()["entries"] > 100
        True
        """
        paths = [lexicon_path("hedges.yml")] + ([Path(extra)] if extra else [])
        merged: dict[str, dict[str, Any]] = {}
        version = "?"
        for i, path in enumerate(paths):
            raw, header = _read_entries(path)
            if i == 0:
                version = str(header.get("version", "?"))
            for item in raw:
                key = " ".join(item["cue"].split())
                if item.get("disable"):
                    merged.pop(key, None)
                    continue
                merged[key] = {**item, "__file__": str(path)}
        entries = []
        for key, item in merged.items():
            try:
                tokens = compile_pattern(key)
            except ValueError as exc:
                raise ConfigError(f"{item['__file__']}: line {item.get('__line__', '?')}: {exc}") from None
            entries.append(Entry(
                pattern=key, category=item["category"], source=str(item["source"]), tokens=tokens,
                pos=tuple(item.get("pos") or ()), check=item.get("check"), gaps=bool(item.get("gaps", True)),
                cls=item.get("class"),
            ))
        return cls(entries, version, [str(p) for p in paths], [file_sha256(p) for p in paths])

    def candidates(self, form: str) -> list[Entry]:
        """Entries whose pattern can start with this (lower-cased) token."""
        return self._index.get(form, [])

    def describe(self) -> dict[str, Any]:
        """Version, files and checksums, for a report's methods note."""
        return {"version": self.version, "files": self.files, "sha256": self.sha256, "entries": len(self.entries)}

    # ----------------------------------------------------------- matching

    def find(self, text: str, tokens: Sequence[tuple[int, int, str | None]]) -> list[Cue]:
        """Cues in one sentence given its tokens ``(start, end, Penn tag)``.

        Longer cues win over shorter ones they overlap ("is not expected to"
        over "expected"); blocking entries (category ``none``) hide what they
        cover.
        """
        sent = _Sentence(text, tokens)
        found: list[tuple[int, int, Entry, str, list[int], str | None]] = []
        forms = sent.forms
        for i, form in enumerate(forms):
            window: list[str] | None = None
            for entry in self.candidates(form):
                if len(entry.tokens) > 1:
                    # Quick rejection (a "be" form starts 25 patterns): the
                    # second token must lie within the gap window of _match_at.
                    want = entry.tokens[1]
                    if entry.gaps:
                        if window is None:
                            window = forms[i + 1 : i + 2 + MAX_GAP]
                        if want.isdisjoint(window):
                            continue
                    elif i + 1 >= len(forms) or forms[i + 1] not in want:
                        continue
                positions = _match_at(sent, i, entry)
                if positions is None:
                    continue
                category, cls = entry.category, entry.cls
                if entry.check:
                    verdict = CHECKS[entry.check](sent, positions, entry)
                    if verdict is False:
                        continue
                    if isinstance(verdict, str):
                        category = verdict
                    elif isinstance(verdict, tuple):  # (category, class)
                        category, cls = verdict
                found.append((positions[0], positions[-1], entry, category, positions, cls))
        # Resolve overlaps: longest span first, then leftmost.
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        taken: set[int] = set()
        cues = []
        for first, last, entry, category, _positions, cls in found:
            if any(k in taken for k in range(first, last + 1)):
                continue
            taken.update(range(first, last + 1))
            if entry.kind == BLOCK or category == BLOCK:
                continue
            start, end = sent.tokens[first][0], sent.tokens[last][1]
            cues.append(Cue(start, end, entry.kind, category, _negated(sent, first, last), entry.pattern, cls))
        cues.sort(key=lambda c: (c.start, c.end))
        return cues


class _Sentence:
    """Token forms and tags of one sentence, precomputed once for all checks."""

    __slots__ = ("tokens", "forms", "raw", "tags")

    def __init__(self, text: str, tokens: Sequence[tuple[int, int, str | None]]) -> None:
        self.tokens = [(int(s), int(e)) for s, e, _ in tokens]
        # One translation for the sentence (it maps one character to one, so
        # slicing after it equals translating each token).
        base = min(s for s, _ in self.tokens) if self.tokens else 0
        norm = normalise_same_length(text[base:max(e for _, e in self.tokens)]) if self.tokens else ""
        self.raw = [norm[s - base:e - base] for s, e in self.tokens]
        self.forms = [r.lower() for r in self.raw]
        self.tags = [t or "" for _, _, t in tokens]

    def title_case(self) -> bool:
        """Most words capitalised: a headline, where capitals say nothing."""
        words = [r for r in self.raw if r[:1].isalpha() and len(r) > 3]
        return len(words) >= 3 and sum(r[0].isupper() for r in words) >= 0.7 * len(words)

    def form(self, i: int) -> str:
        return self.forms[i] if 0 <= i < len(self.forms) else ""

    def tag(self, i: int) -> str:
        return self.tags[i] if 0 <= i < len(self.tags) else ""

    def is_gap(self, i: int) -> bool:
        """Adverbs and negations may interrupt a multiword cue."""
        form, tag = self.forms[i], self.tags[i]
        if form in NEGATORS or form in _ADVERB_GAP_WORDS:
            return True
        if tag:
            return tag.startswith("RB") and form not in ("to", "as", "that")
        return form.endswith("ly")

    def next_content(self, i: int, skip_negation: bool = True) -> int:
        """Index of the first token after ``i`` that is not an adverb/negation."""
        j = i + 1
        while j < len(self.forms) and (self.is_gap(j) if skip_negation else self.tags[j].startswith("RB")):
            j += 1
        return j

    def prev_content(self, i: int) -> int:
        j = i - 1
        while j >= 0 and self.is_gap(j):
            j -= 1
        return j


def _match_at(sent: _Sentence, i: int, entry: Entry) -> list[int] | None:
    """Token positions of ``entry`` starting at token ``i``, or None."""
    if entry.pos and sent.tags[i] and not sent.tags[i].startswith(entry.pos):
        return None
    # a "verb" right after a determiner is a noun the tagger missed ("the suspects")
    if entry.pos and all(p.startswith("VB") for p in entry.pos) and sent.form(i - 1) in _NOUN_DETERMINERS:
        return None
    positions = [i]
    j = i
    for want in entry.tokens[1:]:
        j += 1
        skipped = 0
        while entry.gaps and j < len(sent.forms) and sent.forms[j] not in want and skipped < MAX_GAP and sent.is_gap(j):
            j += 1
            skipped += 1
        if j >= len(sent.forms) or sent.forms[j] not in want:
            return None
        positions.append(j)
    return positions


def _negated(sent: _Sentence, first: int, last: int) -> bool:
    """Negation inside the cue, right after a modal/verb cue, or just before it."""
    if any(sent.forms[k] in NEGATORS for k in range(first, last + 1)):
        return True
    after = last + 1
    if after < len(sent.forms) and sent.forms[after] in NEGATORS and sent.tags[last][:2] in ("MD", "VB", ""):
        return True
    if sent.forms[first] == "cannot":
        return True
    # "not possibly", "does not seem", "is not likely", "no possible ..."
    k = first - 1
    steps = 0
    while k >= 0 and steps < 3:
        f = sent.forms[k]
        if f in NEGATORS:
            return True
        if not (sent.is_gap(k) or f in _BE or f in _DO or sent.tags[k] == "MD"):
            break
        k -= 1
        steps += 1
    return False


# ----------------------------------------------------- disambiguation rules
# Each rule gets the sentence, the matched token positions and the entry; it
# returns False to reject the match, a category name to relabel it, a
# ``(category, class)`` pair to relabel both, or True.

_MONTH_CONTEXT = frozenset({
    "in", "on", "since", "until", "till", "by", "of", "last", "next", "early", "late", "mid", "during",
    "from", "through", "this", "to", "between", "and", "before", "after", "each", "every", "that",
})
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "whose", "political", "free", "good", "popular", "own", "all"})


def _check_modal(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Modal auxiliaries only: not "May" the month, not "will"/"might" the noun."""
    i = pos[0]
    prev, nxt = sent.form(i - 1), sent.form(i + 1)
    if sent.tags[i] and sent.tags[i] != "MD":
        return False
    if sent.raw[i] == "May":
        # "in May", "May 5", "May 2024": a date (or a name), whatever the
        # tagger thought. Mid-sentence the modal is lower case unless the
        # line is set in title case (headlines).
        if sent.tag(i + 1) == "CD" or nxt[:1].isdigit() or prev in _MONTH_CONTEXT or sent.tag(i - 1) == "CD":
            return False
        if i > 0 and prev not in ("``", '"', "'", "(", "--", ":") and not sent.title_case():
            return False
    # nouns: "the will of the people", "with all its might"
    if prev in _DETERMINERS or sent.tag(i - 1) in ("PRP$", "POS"):
        return False
    return True


_REPORTING = frozenset(inflections("say") | inflections("tell") | inflections("announce") | inflections("state")
                       | inflections("add") | inflections("vow") | inflections("promise") | inflections("pledge")
                       | inflections("assure") | inflections("declare") | inflections("insist") | inflections("warn")
                       | inflections("agree") | inflections("decide") | inflections("threaten") | {"told", "said"})
_REFUSAL_VERBS = frozenset({
    "comment", "elaborate", "identify", "specify", "say", "disclose", "discuss", "confirm", "name", "talk",
    "reveal", "give", "provide", "answer", "respond", "speculate", "divulge", "release",
})
_HABIT = frozenset({"often", "always", "usually", "sometimes", "regularly", "routinely", "frequently", "every", "each", "whenever", "typically"})


def _is_refusal(sent: _Sentence, i: int) -> bool:
    """"would not comment", "could not be reached": a fact about a source."""
    j = sent.next_content(i)
    if not any(f in NEGATORS for f in sent.forms[i + 1:j]) and sent.forms[i] != "cannot":
        return False
    return sent.form(j) in _REFUSAL_VERBS or (sent.form(j) == "be" and sent.form(j + 1) in ("reached", "contacted"))


def _check_could(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"could" of possibility, not "could not be reached (for comment)"."""
    return _check_modal(sent, pos, entry) and not _is_refusal(sent, pos[0])


def _check_would(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Epistemic/conditional "would", not refusal, past habit or backshifted "will"."""
    if not _check_modal(sent, pos, entry):
        return False
    i = pos[0]
    j = sent.next_content(i)
    if _is_refusal(sent, i):
        return False
    # "would have" + past participle / counterfactual stays a hedge; so does an
    # "if" anywhere in the sentence (the conditional frame)
    if "if" in sent.forms or "unless" in sent.forms or sent.form(j) in ("have", "'ve"):
        return True
    # habit in the past: "every morning he would walk"
    if any(f in _HABIT for f in sent.forms):
        return False
    # "X said (that) Y would ...": the reported future, like "will" (not a
    # hedge); epistemic reporting verbs ("indicated", "believed") keep it.
    for k in range(i - 1, max(-1, i - 10), -1):
        f = sent.forms[k]
        if f in _REPORTING and sent.tags[k][:2] in ("VB", ""):
            return False
        if f in (";", "if", "because", "but"):
            break
    return True


_POSSIBILITY_VERBS = frozenset({"be", "have", "happen", "occur", "lead", "cause", "mean", "result", "become", "take", "prove", "go"})


def _check_can(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"can" of possibility ("can be", "can have been"), not of ability/permission."""
    if not _check_modal(sent, pos, entry):
        return False
    j = sent.next_content(pos[0])
    return sent.form(j) in ("be", "have")


def _check_should(sent: _Sentence, pos: list[int], entry: Entry) -> bool | str:
    """Inverted-conditional "Should talks fail, ..." is a condition."""
    i = pos[0]
    if i == 0 or sent.form(i - 1) in (",", "``", '"'):
        if sent.tag(i + 1) in ("DT", "NN", "NNS", "NNP", "NNPS", "PRP") and "," in sent.forms[i + 2:]:
            return "conditional"
    return _check_modal(sent, pos, entry)


def _check_expect(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"expect" as prediction; "as expected", "than expected" and "the
    purchase was expected" only report that something happened."""
    i = pos[0]
    if sent.form(i - 1) in ("as", "than") or sent.form(i - 1) in _DETERMINERS:
        return False
    if sent.form(sent.prev_content(i)) in _BE or sent.form(sent.prev_content(i)) == "been":
        return sent.form(sent.next_content(i)) in ("to", "that", "in", "on", "by", "from", "within", "next", "later")
    return True


def _check_appear(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"appear to/that/likely", not "appeared on television"."""
    i = pos[0]
    j = sent.next_content(i)
    nxt = sent.form(j)
    if nxt in ("to", "that", "as", "likely", "unlikely", "certain", "ready", "set", "poised", ","):
        return nxt != "to" or sent.tag(j + 1).startswith("VB") or sent.form(j + 1) in ("be", "have")
    if sent.form(i - 1) == "it":
        return True
    return sent.tag(j).startswith("JJ") or sent.form(j) == "be"


def _check_think(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Belief "think", not "think about/of" or the noun "thought"."""
    nxt = sent.form(pos[0] + 1)
    return nxt not in ("about", "of", "through", "twice", "tank", "tanks")


def _check_estimate(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"estimated that ...", "is estimated to": an inference; "estimated the
    value at $55" reports a figure (and "an estimated 200" is a rounder)."""
    i = pos[0]
    if sent.form(i - 1) in ("an", "the"):
        return False
    nxt = sent.form(sent.next_content(i))
    return nxt == "that" or (sent.form(sent.prev_content(i)) in _BE and nxt == "to")


def _not_comparative(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"are more likely to" compares risks (a statistical claim), it does not hedge."""
    likely = [k for k in pos if sent.forms[k] in ("likely", "unlikely")] or [pos[0]]
    return sent.form(likely[0] - 1) not in ("more", "less")


def _check_likely(sent: _Sentence, pos: list[int], entry: Entry) -> bool | str:
    """"likely" the adverb ("will likely trim") is an epistemic adverb."""
    if not _not_comparative(sent, pos, entry):
        return False
    return "epistemic_adverb" if sent.tags[pos[0]].startswith("RB") or sent.tag(pos[0] - 1) == "MD" else True


def _check_clause_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Verbs of inference with a clause or infinitive ("indicated that",
    "suggests they", "is assumed to"), not a plain object ("indicated the
    end", "assumed the role", "suggested a plan")."""
    i = pos[-1]
    j = sent.next_content(i)
    nxt, tag = sent.form(j), sent.tag(j)
    if nxt in ("that", "to", "so", ",", "otherwise") or tag in ("PRP", "EX"):
        return True
    if sent.form(sent.prev_content(pos[0])) in _BE or sent.tags[i] == "VBG" and sent.form(i - 1) == ",":
        return True  # passive "is assumed", participle clause ", suggesting ..."
    # "indicated Pakistan would": a subject followed by its verb
    for k in range(j, min(j + 5, len(sent.forms))):
        if sent.tags[k] in ("MD", "VBZ", "VBP", "VBD") and k > j:
            return not sent.tag(k - 1).startswith(("IN", "TO"))
        if sent.forms[k] in (",", ".", ";", "of", "to", "for", "in"):
            break
    return False


def _check_considered(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"is considered (to be) X", not "was considered by the committee"."""
    nxt = sent.form(pos[-1] + 1)
    return nxt not in ("by", "for", "in", "at", "on", "", ".", ",")


def _check_possible(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Not the degree reading "as soon as possible", "the fastest possible"."""
    i = pos[0]
    if sent.form(i - 1) in ("as", "if", "where", "when", "wherever", "whenever") or sent.tag(i - 1) in ("JJS", "RBS"):
        return False
    if sent.form(i - 2) == "as" and sent.form(i - 1) in ("much", "many", "soon", "quickly", "far", "early", "closely"):
        return False
    if sent.form(i - 2) in ("the", "every", "all") and sent.tag(i - 1) in ("JJS",):
        return False
    if sent.form(i - 1) in ("every", "all", "everything") or sent.form(i + 1) == "everything":
        return False
    # feasibility, not likelihood: "it is possible to travel", "made possible by",
    # "the highest possible score"
    if sent.form(i + 1) in ("to", "by") or sent.form(i - 1) in (
            "made", "make", "makes", "making", "maximum", "minimum", "highest", "lowest", "it"):
        return False
    return True


def _check_apparent(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"the apparent suicide" / "it is apparent": not "heir apparent"."""
    return sent.form(pos[0] - 1) != "heir"


_INVESTIGATION_HEADS = frozenset(
    inflections("ask") | inflections("wonder") | inflections("know") | inflections("see") | inflections("check")
    | inflections("determine") | inflections("decide") | inflections("question") | inflections("investigate")
    | inflections("examine") | inflections("doubt") | inflections("learn") | inflections("tell") | inflections("find")
    | inflections("establish") | inflections("test") | inflections("assess") | inflections("study") | inflections("inquire")
    | inflections("enquire") | inflections("verify") | inflections("consider") | inflections("explore") | inflections("debate")
    | {"unclear", "unsure", "uncertain", "sure", "clear", "known", "out"}
)


def _check_if(sent: _Sentence, pos: list[int], entry: Entry) -> str:
    """"asked if", "not clear if": an indirect question (investigation)."""
    i = pos[0]
    # skip an object pronoun / adverb: "asked him if", "wondered aloud if"
    k = i - 1
    if sent.tag(k) in ("PRP", "RB") or sent.form(k) in ("him", "her", "them", "us", "me", "aloud", "now"):
        k -= 1
    if sent.form(k) in _INVESTIGATION_HEADS and sent.tag(k)[:2] in ("VB", "JJ", "RP", ""):
        return "investigation"
    return "conditional"


def _check_as_long_as(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Condition, not a length comparison ("as long as a football field")."""
    nxt = sent.tag(pos[-1] + 1)
    return nxt in ("PRP", "NNP", "NNS", "NN", "DT", "EX", "NNPS") and sent.form(pos[-1] + 1) not in ("a", "an")


_QUANTITY = frozenset({
    "half", "a", "an", "one", "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million",
    "millions", "billion", "third", "quarter", "fifth", "percent", "per", "twice", "double", "$", "£", "€",
})


def _check_number_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"about 200", "around half": a rounded number, not the topic "about"."""
    j = pos[-1] + 1
    nxt = sent.form(j)
    if sent.tag(j) == "CD" or nxt[:1].isdigit() or nxt in ("$", "£", "€", "half", "twice", "dozen", "every", "all"):
        return True
    if nxt in ("a", "an") and sent.form(j + 1) in _QUANTITY | {"third", "quarter", "dozen", "half", "fifth"}:
        return True
    return False


_NOUNISH = ("NN", "JJ", "CD", "VBG", "VBN")
_TIME_UNITS = frozenset({"time", "times", "years", "months", "weeks", "days", "hours", "minutes", "decades", "centuries", "seasons", "occasions"})


def _check_quantifier(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Vague quantifiers before a noun ("some critics", "many believe"), and
    "some 200". Not the superlative "the most", not "some" as a pronoun at the
    end of a sentence."""
    i = pos[0]
    form = sent.forms[i]
    prev = sent.form(i - 1)
    nxt_tag = sent.tag(i + 1)
    nxt = sent.form(i + 1)
    if form == "most":
        if prev in ("the", "at", "of") or nxt_tag.startswith(("JJ", "RB")) and sent.tag(i + 2).startswith(("IN", ".", ",", "")):
            return False
        if nxt_tag.startswith("JJ") and not sent.tag(i + 2).startswith("NN"):
            return False
        return nxt_tag.startswith(("NN", "JJ")) or nxt == "of"
    if form == "many" and prev in ("how", "so", "as", "too", "the", "very"):
        return False  # "how many", "as many as": a count or comparison, not a vague group
    if prev in ("for", "the") and form in ("some", "several"):
        return False
    if form == "some" and (nxt_tag == "CD" or nxt[:1].isdigit()):
        return ("approximator", "rounder")  # "some 200 people": a rounded number
    if form == "some" and nxt in ("way", "point", "kind", "sort", "extent", "degree"):
        return False  # "in some way": not a quantity of anything
    if nxt in _TIME_UNITS:
        return False  # "several times", "many years later": a span of time, not a vague group
    # "some argue", "many have claimed": the quantifier as a nameless subject
    j = sent.next_content(i)
    if sent.tag(j).startswith(("VB", "MD")) and sent.tag(j) != "VBG":
        return True
    return nxt_tag.startswith(_NOUNISH) or nxt in ("of", "people")


def _check_pronoun_subject(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"others argue", "others have claimed": a nameless group as subject."""
    j = sent.next_content(pos[-1])
    return sent.tag(j).startswith(("VB", "MD")) and sent.form(pos[0] - 1) not in ("and", "the", "among", "of", "with", "than")


def _check_weasel_passive_next(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"widely believed/used/regarded": belief or practice of nobody in particular."""
    return sent.tag(pos[-1] + 1) in ("VBN", "JJ") or sent.form(pos[-1] + 1) in ("believed", "considered", "regarded", "held")


def _check_agentless(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"has been questioned" with nobody named as the questioner."""
    return "by" not in sent.forms[pos[-1] + 1: pos[-1] + 4]


_MEASURABLE_SUPERLATIVES = frozenset({
    "largest", "biggest", "smallest", "oldest", "youngest", "longest", "shortest", "tallest", "highest", "lowest",
    "earliest", "latest", "fastest", "slowest", "heaviest", "lightest", "deepest", "widest", "nearest", "farthest",
    "northernmost", "southernmost", "easternmost", "westernmost",
})


def _check_superlative_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"one of the most/best/finest": a peacock superlative; "one of the
    largest ports" is a checkable measure, not praise."""
    j = pos[-1] + 1
    if sent.form(j) in _MEASURABLE_SUPERLATIVES:
        return False
    return sent.tag(j) in ("JJS", "RBS") or sent.form(j) in ("most", "best", "finest", "greatest", "leading", "foremost", "top")


def _check_superlative_most(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"the most important", "the world's most famous": a superlative of praise.

    The quantifier "most people" and "at most" are not.
    """
    i = pos[0]
    return sent.form(i - 1) in ("the", "'s", "its", "their", "his", "her") and sent.tag(i + 1).startswith("JJ")


def _check_intensifier(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"very popular", "highly regarded": an amplified evaluation, not "the very
    first" or "very much"."""
    i = pos[0]
    if sent.form(i - 1) in ("the", "this", "that", "his", "her", "its", "their"):
        return False
    return sent.tag(i + 1) in ("JJ", "VBN") and sent.form(i + 1) not in ("few", "little", "many", "much", "first", "last", "same", "own")


def _check_bare_source(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"studies show" with no study named (no determiner or name before it)."""
    i = pos[0]
    prev = sent.form(i - 1)
    return not (prev in ("the", "these", "this", "his", "her", "their", "its", "our") or sent.tag(i - 1) in ("NNP", "POS", "CD", "PRP$"))


def _check_vague_certain(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"certain units", "a certain measure": an unspecified set; "is certain"
    (a booster) and "almost certain" are not."""
    i = pos[0]
    if sent.form(sent.prev_content(i)) in _BE or sent.form(i - 1) in ("almost", "not", "nearly", "most", "more", "for"):
        return False
    return sent.tag(i + 1).startswith(("NN", "JJ")) or sent.form(i + 1) == "of"


def _check_hedge_sort_of(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"sort of"/"kind of" before an adjective or verb, not "a kind of tree"."""
    return sent.form(pos[0] - 1) not in ("a", "the", "this", "that", "what", "any", "some", "every", "one", "same")


def _check_claim(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"claimed that/to" (an unchecked assertion), not "claimed the title"."""
    nxt = sent.form(sent.next_content(pos[0]))
    return nxt in ("that", "to") or sent.tag(sent.next_content(pos[0])) in ("PRP", "EX")


def _check_weasel_passive(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"widely believed/considered/regarded/thought/known as" type passives."""
    j = pos[-1] + 1
    return sent.tag(j) == "VBN" or sent.form(j) in ("believed", "considered", "regarded", "thought", "accepted", "seen", "held", "known", "viewed", "assumed", "reported")


_SAYING = frozenset(
    inflections("say") | inflections("argue") | inflections("claim") | inflections("believe") | inflections("contend")
    | inflections("suggest") | inflections("maintain") | inflections("feel") | inflections("consider") | inflections("allege")
    | inflections("assert") | inflections("charge") | inflections("think") | inflections("point") | inflections("note")
    | inflections("fear") | inflections("worry") | inflections("warn") | inflections("describe") | inflections("praise")
    | inflections("call") | inflections("question") | inflections("complain") | inflections("insist") | inflections("accuse")
)


def _check_weasel_subject(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """A nameless group as source ("critics argue"), not a named one.

    "critics of the plan say" counts; "the critics' association" does not.
    """
    i = pos[0]
    if sent.tag(i - 1) in ("NNP", "POS", "PRP$") or sent.form(i + 1) in ("'s", "'"):
        return False
    # the group's verb of saying within a few tokens
    for k in range(i + 1, min(len(sent.forms), i + 7)):
        if sent.forms[k] in _SAYING and sent.tags[k][:2] in ("VB", "NN", ""):
            return True
        if sent.forms[k] in (".", ";"):
            break
    return False


def _check_wh_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"questioned how much", "wonders why": an open question (investigation).
    A following "whether"/"if" is a cue of its own."""
    j = sent.next_content(pos[-1])
    return sent.form(j) in ("how", "why", "what", "when", "where", "who", "which")


def _check_that_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Booster verbs of knowing with a clause: "showed that", "found that"."""
    j = sent.next_content(pos[-1])
    return sent.form(j) in ("that", "beyond", "conclusively")


def _check_predicative(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"is key (to)", "critical to": emphasis; "key demands" only names them."""
    i = pos[0]
    prev = sent.form(sent.prev_content(i))
    nxt = sent.form(i + 1)
    return prev in _BE or prev in ("remain", "remains", "remained", "seen", "considered", "absolutely") or nxt in ("to", "for", "that")


CHECKS: dict[str, Callable[[_Sentence, list[int], Entry], bool | str]] = {
    "modal": _check_modal,
    "would": _check_would,
    "could": _check_could,
    "can": _check_can,
    "should": _check_should,
    "expect": _check_expect,
    "appear": _check_appear,
    "think": _check_think,
    "estimate": _check_estimate,
    "likely": _check_likely,
    "not_comparative": _not_comparative,
    "clause_follows": _check_clause_follows,
    "considered": _check_considered,
    "possible": _check_possible,
    "apparent": _check_apparent,
    "if": _check_if,
    "as_long_as": _check_as_long_as,
    "number_follows": _check_number_follows,
    "quantifier": _check_quantifier,
    "hedge_sort_of": _check_hedge_sort_of,
    "claim": _check_claim,
    "weasel_passive": _check_weasel_passive,
    "weasel_subject": _check_weasel_subject,
    "that_follows": _check_that_follows,
    "wh_follows": _check_wh_follows,
    "pronoun_subject": _check_pronoun_subject,
    "weasel_passive_next": _check_weasel_passive_next,
    "agentless": _check_agentless,
    "superlative_follows": _check_superlative_follows,
    "superlative_most": _check_superlative_most,
    "intensifier": _check_intensifier,
    "bare_source": _check_bare_source,
    "vague_certain": _check_vague_certain,
    "predicative": _check_predicative,
}


@lru_cache(maxsize=1)
def default_lexicon() -> HedgeLexicon:
    """The shipped lexicon, loaded once."""
    return HedgeLexicon.load()


def _layer(doc: Document, name: str) -> pd.DataFrame:
    # Document.layer builds an empty default table even when the layer exists;
    # that costs milliseconds per call in pandas 3, so look it up first.
    table = doc.layers.get(name)
    return table if table is not None else doc.layer(name)


# ------------------------------------------------------------- the layers

def _sentence_tokens(doc: Document) -> list[tuple[int, int, str, list[tuple[int, int, str | None]]]]:
    """Sentences ``(start, end, label)`` with their tokens ``(start, end, tag)``, in order."""
    sents = _layer(doc, "sentence")
    toks = _layer(doc, "token")
    if not len(sents):
        return []
    s_start, s_end, s_label = sents["start"].tolist(), sents["end"].tolist(), sents["label"].tolist()
    # Python lists sliced per sentence: numpy scalar indexing per token costs more than the matching.
    t_start_np = toks["start"].to_numpy()
    lo = np.searchsorted(t_start_np, s_start, side="left").tolist()
    hi = np.searchsorted(t_start_np, s_end, side="left").tolist()
    t_start, t_end, t_tag = toks["start"].tolist(), toks["end"].tolist(), toks["label"].tolist()
    return [(s, e, label, list(zip(t_start[a:b], t_end[a:b], t_tag[a:b])))
            for s, e, label, a, b in zip(s_start, s_end, s_label, lo, hi)]


def add_hedges(doc: Document, lexicon: HedgeLexicon | None = None) -> Document:
    """Add the layers ``hedge`` and ``booster`` to a segmented document.

    Every sentence except boilerplate is searched (the headline too: claims
    measures leave it out, but a reader may want it highlighted).

    >>> import presslens
    >>> doc = add_hedges(presslens.annotate_text("The talks could resume. It is set to take place."))
    >>> doc.texts("hedge")
    ['could']
    """
    lexicon = lexicon or default_lexicon()
    if "token" not in doc.layers:
        from presslens.syntax.segment import segment

        segment(doc)
    rows: dict[str, list[dict[str, Any]]] = {"hedge": [], "booster": []}
    for s, _e, label, tokens in _sentence_tokens(doc):
        if label == "boilerplate" or not tokens:
            continue
        for cue in lexicon.find(doc.text, tokens):
            rows[cue.kind].append({
                "start": cue.start, "end": cue.end, "label": cue.category,
                "negated": cue.negated, "entry": cue.entry, "sentence_start": s,
            })
    for layer, records in rows.items():
        table = doc.add_records(layer, records)
        if not len(records):  # keep the columns even when empty
            for col, dtype in (("negated", "bool"), ("entry", "object"), ("sentence_start", "int64")):
                table[col] = pd.Series(dtype=dtype)
    return doc


# ------------------------------------------------------------- measures

def _within(table: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    return table[(table["start"] >= start) & (table["end"] <= end)]


def _overlapping(table: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    return table[(table["start"] < end) & (table["end"] > start)]


class _Spans:
    """A layer's offsets, for the per-sentence look-ups of the measures.

    Boolean indexing of a DataFrame per sentence costs far more than the
    measures themselves; the tables are sorted by ``(start, end)``, so the
    spans inside each sentence are a contiguous candidate range (found for
    all sentences in one binary search), then filtered on ``end``: the same
    rows in the same order.
    """

    __slots__ = ("start", "end", "table")

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.start = table["start"].to_numpy(dtype=np.int64) if len(table) else np.empty(0, np.int64)
        self.end = table["end"].to_numpy(dtype=np.int64) if len(table) else np.empty(0, np.int64)

    def within_each(self, starts: np.ndarray, ends: np.ndarray) -> list[list[int]]:
        """For each ``[start, end)``: row positions of the spans with ``start <= span.start``, ``span.end <= end``."""
        if not len(self.start):
            return [[] for _ in range(len(starts))]
        lo = np.searchsorted(self.start, starts, side="left").tolist()
        hi = np.searchsorted(self.start, ends, side="right").tolist()
        end = self.end.tolist()
        return [[k for k in range(a, b) if end[k] <= e] for a, b, e in zip(lo, hi, ends.tolist())]

    def overlaps_each(self, starts: np.ndarray, ends: np.ndarray) -> list[bool]:
        """For each ``[start, end)``: does any span overlap it?"""
        if not len(self.start) or not len(starts):
            return [False] * len(starts)
        hit = (self.start[None, :] < ends[:, None]) & (self.end[None, :] > starts[:, None])
        return hit.any(axis=1).tolist()

    def column(self, name: str) -> list[Any]:
        return self.table[name].tolist() if len(self.table) else []


def hedged_claims(doc: Document) -> pd.DataFrame:
    """One row per claim (body sentence) with its hedges and boosters.

    Columns: ``doc_id, start, end, hedged, n_hedges, n_boosters,
    categories`` (sorted hedge categories), ``booster_categories``,
    ``n_words``, ``negated_hedges``, and when the layers exist ``attributed``
    (the sentence overlaps a span of the ``attribution`` layer) and
    ``parties`` (sorted party labels of ``mention`` spans inside it).

    >>> import presslens
    >>> doc = add_hedges(presslens.annotate_text("Headline here\\n\\nTalks could resume. They met."))
    >>> hedged_claims(doc)["hedged"].tolist()
    [True, False]
    """
    rows, columns = _claim_rows(doc)
    return pd.DataFrame(rows, columns=columns)


def _claim_rows(doc: Document) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows and columns of :func:`hedged_claims` (the measures read them without a DataFrame)."""
    if "hedge" not in doc.layers:
        add_hedges(doc)
    hedges, boosters = _Spans(_layer(doc, "hedge")), _Spans(_layer(doc, "booster"))
    h_label, h_neg, b_label = hedges.column("label"), hedges.column("negated"), boosters.column("label")
    has_attr = "attribution" in doc.layers
    has_mention = "mention" in doc.layers
    attribution = _Spans(_layer(doc, "attribution")) if has_attr else None
    mentions = _Spans(_layer(doc, "mention")) if has_mention else None
    m_label = mentions.column("label") if mentions is not None else []
    count = word_char_counts(doc.text).tolist()  # is_word of a token: count[end] > count[start]
    body = [(s, e, tokens) for s, e, label, tokens in _sentence_tokens(doc) if label == "body"]
    starts = np.array([b[0] for b in body], dtype=np.int64)
    ends = np.array([b[1] for b in body], dtype=np.int64)
    in_hedges, in_boosters = hedges.within_each(starts, ends), boosters.within_each(starts, ends)
    attributed = attribution.overlaps_each(starts, ends) if attribution is not None else None
    in_mentions = mentions.within_each(starts, ends) if mentions is not None else None
    rows = []
    for j, (s, e, tokens) in enumerate(body):
        h, b = in_hedges[j], in_boosters[j]
        row: dict[str, Any] = {
            "doc_id": doc.doc_id, "start": s, "end": e,
            "hedged": bool(len(h)), "n_hedges": len(h), "n_boosters": len(b),
            "categories": sorted({h_label[i] for i in h}), "booster_categories": sorted({b_label[i] for i in b}),
            "negated_hedges": int(sum(h_neg[i] for i in h)) if len(h) else 0,
            "n_words": sum(count[te] > count[ts] for ts, te, _ in tokens),
        }
        if attributed is not None:
            row["attributed"] = attributed[j]
        if in_mentions is not None:
            row["parties"] = sorted({str(p) for p in (m_label[i] for i in in_mentions[j]) if p is not None})
        rows.append(row)
    columns = ["doc_id", "start", "end", "hedged", "n_hedges", "n_boosters", "categories",
               "booster_categories", "negated_hedges", "n_words"]
    columns += ["attributed"] * has_attr + ["parties"] * has_mention
    return rows, columns


def hedge_measures(doc: Document | Iterable[Document]) -> pd.DataFrame:
    """Tidy measures of one document (or several, pooled per document).

    Columns ``doc_id, measure, category, party, value, n``: ``n`` is the
    denominator (claims or words). Measures: ``claims``,
    ``hedged_claim_share``, ``hedges_per_100_words`` and
    ``boosters_per_100_words`` (category ``all`` and one row per category),
    ``hedge_booster_ratio``, ``hedged_share_attributed`` /
    ``hedged_share_unattributed`` (with an ``attribution`` layer) and
    ``hedged_share_party`` (with a ``mention`` layer, one row per party).
    Words are tokens holding a letter or digit in body sentences.

    >>> import presslens
    >>> doc = add_hedges(presslens.annotate_text("Talks could resume. They met."))
    >>> m = hedge_measures(doc)
    >>> m.loc[m.measure == "hedged_claim_share", "value"].item()
    0.5
    """
    if not isinstance(doc, Document):
        tables = [hedge_measures(d) for d in doc]
        return pd.concat(tables, ignore_index=True) if tables else _measure_frame([])
    return _measure_frame(hedge_measure_rows(doc))


def hedge_measure_rows(doc: Document) -> list[dict[str, Any]]:
    """The rows of :func:`hedge_measures` for one document, as mappings (no DataFrame built).

    >>> import presslens
    >>> rows = hedge_measure_rows(add_hedges(presslens.annotate_text("Talks could resume. They met.")))
    >>> [r["value"] for r in rows if r["measure"] == "hedged_claim_share"]
    [0.5]
    """
    claims, columns = _claim_rows(doc)
    rows: list[dict[str, Any]] = []

    def add(measure: str, value: float, n: int, category: str | None = None, party: str | None = None) -> None:
        rows.append({"doc_id": doc.doc_id, "measure": measure, "category": category, "party": party, "value": value, "n": n})

    n_claims = len(claims)
    words = sum(c["n_words"] for c in claims)
    hedged = sum(c["hedged"] for c in claims)
    add("claims", float(n_claims), n_claims)
    add("hedged_claim_share", hedged / n_claims if n_claims else float("nan"), n_claims)
    body_start = np.array([c["start"] for c in claims], dtype=np.int64)
    body_end = np.array([c["end"] for c in claims], dtype=np.int64)

    def in_body(table: pd.DataFrame) -> list[Any]:
        # Labels of the spans inside some body sentence, in table order.
        if not n_claims or not len(table):
            return []
        st = table["start"].to_numpy(dtype=np.int64)[:, None]
        en = table["end"].to_numpy(dtype=np.int64)[:, None]
        mask = ((st >= body_start[None, :]) & (en <= body_end[None, :])).any(axis=1)
        labels = table["label"].tolist()
        return [lab for lab, keep in zip(labels, mask) if keep]

    def share(part: list[dict[str, Any]]) -> float:
        # The mean of a boolean column: an exact count over the length.
        return sum(c["hedged"] for c in part) / len(part)

    hedges, boosters = in_body(_layer(doc, "hedge")), in_body(_layer(doc, "booster"))
    per100 = (lambda k: 100 * k / words if words else float("nan"))
    add("hedges_per_100_words", per100(len(hedges)), words, "all")
    for cat in HEDGE_CATEGORIES:
        add("hedges_per_100_words", per100(sum(lab == cat for lab in hedges)), words, cat)
    add("boosters_per_100_words", per100(len(boosters)), words, "all")
    for cat in BOOSTER_CATEGORIES:
        add("boosters_per_100_words", per100(sum(lab == cat for lab in boosters)), words, cat)
    add("hedge_booster_ratio", len(hedges) / len(boosters) if len(boosters) else float("nan"), len(boosters))
    if "attributed" in columns:
        for flag, name in ((True, "hedged_share_attributed"), (False, "hedged_share_unattributed")):
            part = [c for c in claims if c["attributed"] == flag]
            add(name, share(part) if part else float("nan"), len(part))
    if "parties" in columns:
        parties = sorted({p for c in claims for p in c["parties"]})
        for party in parties:
            part = [c for c in claims if party in c["parties"]]
            add("hedged_share_party", share(part), len(part), party=party)
    return rows


def _measure_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "measure", "category", "party", "value", "n"])


__all__ = [
    "HEDGE_CATEGORIES", "BOOSTER_CATEGORIES", "Cue", "Entry", "HedgeLexicon", "default_lexicon",
    "add_hedges", "hedged_claims", "hedge_measures", "hedge_measure_rows", "inflections", "compile_pattern",
]


def hedged_claims_table(doc: Document, excerpt_chars: int = 150) -> pd.DataFrame:
    """Every hedged claim with its cues, for display: ``claim``, ``hedges``, ``boosters``.

    ``hedges`` lists each cue's text with its category, in order.

    >>> import presslens
    >>> doc = add_hedges(presslens.annotate_text("Talks could resume. They met."))
    >>> hedged_claims_table(doc).values.tolist()
    [['Talks could resume.', 'could (modal)', 0]]
    """
    from presslens.report.display import excerpt

    claims = hedged_claims(doc)
    hedges = doc.layer("hedge")
    rows = []
    for c in claims[claims["hedged"]].itertuples():
        cues = _within(hedges, c.start, c.end)
        rows.append({
            "claim": excerpt(doc.text[c.start:c.end], excerpt_chars),
            "hedges": "; ".join(f"{doc.text[s:e]} ({lab})" for s, e, lab in cues[["start", "end", "label"]].itertuples(index=False)),
            "boosters": int(c.n_boosters),
        })
    return pd.DataFrame(rows, columns=["claim", "hedges", "boosters"])
