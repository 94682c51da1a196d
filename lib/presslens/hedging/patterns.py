"""The cue pattern language of the hedge lexicon, and matching it in one sentence.

A pattern is a sequence of tokens (``suggest+`` takes the verb's
inflections, ``BE`` any form of "be"); up to :data:`MAX_GAP` adverbs or
negations may stand between two of its tokens. A cue is negated when a
negation stands inside or right around it.
"""

from __future__ import annotations


from collections.abc import Sequence
from dataclasses import dataclass


from presslens.syntax.segment import normalise_same_length
from presslens.syntax.morphology import inflections

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


_ADVERB_GAP_WORDS = frozenset({
    "also", "still", "yet", "now", "widely", "further", "generally", "already", "even", "only",
    "largely", "commonly", "broadly", "originally", "initially", "previously", "reportedly", "therefore",
})


_NOUN_DETERMINERS = frozenset({"the", "a", "an", "these", "those", "his", "her", "its", "their", "our", "my", "your"})


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
