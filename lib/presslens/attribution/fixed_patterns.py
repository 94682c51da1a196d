"""Attributions whose three parts the word order alone fixes, found by rule and kept as found.

The tagger, trained on running text, misses or splits a few constructions
of news prose; each function here returns complete ``(cue, source,
content)`` token ranges, which win over what the tagger made of the same
tokens:

- scare-quote descriptions, "what X calls/describes as Y" (a report nested
  in another: X's words are Y);
- headline inversions, "[content], confirms [source]" closing a sentence;
- "X was quoted by [medium] as saying [content]": one attribution to X, not
  one to the medium and one without a source.
"""

from __future__ import annotations

from presslens.attribution.cues import reporting_verbs
from presslens.attribution.sequences import Seq, Span
from presslens.syntax.morphology import lemma, suffix_stem

#: Verbs of naming: "what X calls Y" reports X's words for Y.
NAMING_VERBS = frozenset({"call", "describe", "term", "label", "dub", "brand", "characterize", "characterise"})
_NOUNISH = {"DT", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "CD", "PRP$", "POS", "HYPH"}
_SENTENCE_END = {".", "!", "?", ";", ":", '"', "''", "``", ")"}


def _example(text: str) -> Seq:
    """The first paragraph sequence of a text, for the examples below."""
    from presslens.attribution.sequences import doc_sequences
    from presslens.document.spans import Document
    from presslens.syntax.segment import segment

    return doc_sequences(segment(Document("example", text)))[0]


def _sentence(seq: Seq, i: int) -> tuple[int, int]:
    a, b = i, i
    while a > 0 and seq.sent[a - 1] == seq.sent[i]:
        a -= 1
    while b < len(seq.words) and seq.sent[b] == seq.sent[i]:
        b += 1
    return a, b


def naming_reports(seq: Seq) -> list[tuple[Span, Span, Span]]:
    """ "condemned what he called provocations": cue "called", source "he", content "provocations".

    >>> seq = _example("The army denounced what it describes as foreign meddling.")
    >>> [[" ".join(seq.words[a:b]) for a, b in t] for t in naming_reports(seq)]
    [['describes', 'it', 'foreign meddling']]
    """
    out = []
    n = len(seq.words)
    for i in range(n - 3):
        if seq.words[i] != "what":
            continue
        _, s1 = _sentence(seq, i)
        j = i + 1
        while j < s1 and j - i <= 4 and (seq.tags[j] in _NOUNISH or seq.tags[j] == "PRP"):
            j += 1
        if j == i + 1 or j >= s1 or not seq.tags[j].startswith("VB") or lemma(seq.words[j], seq.tags[j]) not in NAMING_VERBS:
            continue
        k = j + 1 + (j + 1 < s1 and seq.words[j + 1] == "as")
        e = k
        while e < s1 and seq.tags[e] in _NOUNISH:
            e += 1
        if e > k:
            out.append(((j, j + 1), (i + 1, j), (k, e)))
    return out


def inverted_reports(seq: Seq) -> list[tuple[Span, Span, Span]]:
    """A sentence closed by ", confirms [source]" (a headline's inversion): the content is what precedes.

    >>> seq = _example("Talks to resume next week, confirms minister Ana Ruiz")
    >>> [[" ".join(seq.words[a:b]) for a, b in t] for t in inverted_reports(seq)]
    [['confirms', 'minister ana ruiz', 'talks to resume next week']]
    """
    verbs = reporting_verbs()
    out = []
    n = len(seq.words)
    for i in range(1, n - 1):
        # Headline style leaves the verb's tag in doubt ("confirms" read as a plural noun).
        if seq.words[i - 1] != "," or not seq.tags[i].startswith(("VB", "NNS")):
            continue
        if not {seq.words[i], lemma(seq.words[i], seq.tags[i]), suffix_stem(seq.words[i])} & verbs:
            continue
        s0, s1 = _sentence(seq, i)
        end = s1 - 1 if seq.words[s1 - 1] in _SENTENCE_END else s1
        src = (i + 1, end)
        if not 0 < end - (i + 1) <= 7 or not all(seq.tags[k] in _NOUNISH for k in range(*src)) \
                or not any(seq.tags[k].startswith("NN") for k in range(*src)) or i - 1 <= s0:
            continue
        out.append(((i, i + 1), src, (s0, i - 1)))
    return out


def quoted_as_saying(seq: Seq) -> list[tuple[Span, Span, Span]]:
    """ "Officials were quoted by local media as saying that ...": one report by the officials.

    >>> seq = _example("Officials were quoted by local media as saying that talks had failed.")
    >>> [[" ".join(seq.words[a:b]) for a, b in t] for t in quoted_as_saying(seq)]
    [['were quoted by local media as saying', 'officials', 'that talks had failed']]
    """
    out = []
    n = len(seq.words)
    for q in range(1, n - 3):
        if seq.words[q] != "quoted":
            continue
        s0, s1 = _sentence(seq, q)
        k = q + 1
        while k < s1 and k - q <= 8 and seq.words[k] != "as":
            k += 1
        if k + 1 >= s1 or seq.words[k] != "as" or seq.words[k + 1] not in ("saying", "telling", "stating"):
            continue
        a = q
        while a > s0 and seq.words[a - 1] in ("was", "were", "been", "being", "is", "are", "also", "has", "have", "had"):
            a -= 1
        j = a
        while j > s0 and seq.tags[j - 1] in _NOUNISH:
            j -= 1
        end = s1 - 1 if seq.words[s1 - 1] in _SENTENCE_END else s1
        if j < a and k + 2 < end:
            out.append(((a, k + 2), (j, a), (k + 2, end)))
    return out


def fixed_patterns(seq: Seq) -> list[tuple[Span, Span, Span]]:
    """Every complete attribution the rules above find in a paragraph sequence."""
    return naming_reports(seq) + inverted_reports(seq) + quoted_as_saying(seq)
