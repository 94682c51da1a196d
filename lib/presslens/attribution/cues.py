"""Cues: reporting expressions found by rule next to the tagger's, and the tagger's cues trimmed to the project's conventions.

A cue excludes leading connectives ("further indicated" -> "indicated",
"also noted" -> "noted") but keeps adverbs of manner and time
("repeatedly denied").
"""

from __future__ import annotations

from functools import lru_cache

from presslens.attribution.sequences import Seq, Span
from presslens.resources.files import lexicon_path, load_yaml, read_word_list
from presslens.syntax.morphology import lemma, suffix_stem


def _trim_cue(seq: Seq, cue: Span) -> Span:
    """Drop leading connective adverbs from a cue ("further indicated" ->
    "indicated", "also noted" -> "noted"): they tie the sentence to the one
    before, not to the reporting act. Adverbs of manner and time stay
    ("repeatedly said", "publicly denied"): they qualify the act itself."""
    a, b = cue
    while b - a > 1 and seq.words[a] in _CONNECTIVES:
        a += 1
    return a, b


# The project's gold annotation of the default article leaves "further" and
# "also" out of its cues; PolNeAR keeps leading adverbs. Trimming only these
# connectives serves both: on PolNeAR dev it costs 0.003 cue overlap F1
# against trimming nothing, where trimming every adverb cost 0.016.
_CONNECTIVES = frozenset({"also", "further", "furthermore", "additionally", "moreover", "likewise"})


@lru_cache(maxsize=1)
def reporting_verbs() -> frozenset[str]:
    """Stems and forms of ``lexicons/reporting_verbs.yml`` (indexed by token, no regex)."""
    data = load_yaml(lexicon_path("reporting_verbs.yml")) or {}
    return frozenset(str(v).lower() for v in data.get("verbs") or [])


_AUX = {"is", "was", "were", "are", "be", "been", "has", "have", "had", "being"}


_BE = ("is", "was", "were", "are", "be", "been", "being")
_NP_TAGS = {"DT", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "PRP", "PRP$", "POS", "CD", "HYPH", "NNP|", "PDT"}


@lru_cache(maxsize=1)
def action_verbs() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """Lemmas and phrasal verbs of action of ``reporting_verbs.yml`` (``actions``, ``phrasal_actions``)."""
    data = load_yaml(lexicon_path("reporting_verbs.yml")) or {}
    single = frozenset(str(v).lower() for v in data.get("actions") or [])
    phrasal = frozenset(tuple(str(v).lower().split()[:2]) for v in data.get("phrasal_actions") or [] if " " in str(v))
    return single, phrasal


#: Words that open the clause a report carries.
_SUBORDINATORS = frozenset({"that", "whether", "if"})
_QUOTES_AND_COLON = frozenset({":", '"', "``", "''"})


def reports_nothing(seq: Seq, cue: Span) -> bool:
    """Is a proposed cue a verb of action with no report attached ("agreed to hold
    talks", "signed a deal", "called off its ceasefire", "are expected to sign")?

    Its verb's lemma is a listed action (or verb and particle a phrasal one)
    and no clause follows it before the next verb or punctuation, nor does a
    quotation stand before it in the sentence ('"...," she agreed').

    >>> from presslens.document.spans import Document
    >>> from presslens.syntax.segment import segment
    >>> from presslens.attribution.sequences import doc_sequences
    >>> seq = doc_sequences(segment(Document("d", "Both sides agreed to resume talks. Both sides agreed that talks failed.")))[0]
    >>> [reports_nothing(seq, (i, i + 1)) for i, w in enumerate(seq.words) if w == "agreed"]
    [True, False]
    """
    a = cue[0]
    if a > 0 and seq.words[a - 1] in _POLITE and (a == 1 or seq.sent[a - 2] != seq.sent[a - 1]):
        return True  # "Kindly note that ...": an instruction to the reader, nobody's report
    single, phrasal = action_verbs()
    verbs = [k for k in range(*cue) if seq.tags[k].startswith("VB") and seq.words[k] not in _AUX]
    if not verbs:
        return False
    k = verbs[-1]
    lem = lemma(seq.words[k], seq.tags[k])
    particle = seq.words[k + 1] if k + 1 < len(seq.words) and seq.sent[k + 1] == seq.sent[k] else ""
    if lem not in single and (lem, particle) not in phrasal:
        return False
    sent = seq.sent[k]
    before = range(k - 1, -1, -1)
    if any(seq.words[j] in ('"', "``", "''") for j in before if seq.sent[j] == sent):
        return False
    for j in range(cue[1], min(cue[1] + 8, len(seq.words))):
        if seq.sent[j] != sent:
            break
        w = seq.words[j]
        # A quotation opens the report only right after the verb ('agreed: "..."'), not inside
        # its object ('agreed to an "immediate" ceasefire').
        if w in _SUBORDINATORS or (w in _QUOTES_AND_COLON and j <= k + 2) or (w == "as" and j > cue[1]):
            return False  # "saw the comment as a dig" takes "as"
        if seq.tags[j] in _FINITE and j > cue[1] and all(seq.tags[i] in _NP_TAGS for i in range(cue[1], j)):
            return False  # a clause without "that": "analysts agreed it was still a top-heavy plan"
        if seq.tags[j].startswith(("VB", "MD")) or seq.words[j] in (",", ";", "."):
            break
    return True


_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


_POLITE = frozenset({"please", "kindly"})


@lru_cache(maxsize=1)
def cue_words() -> frozenset[str]:
    """Stems of the words of PolNeAR train cues (``lexicons/polnear_cue_words.txt``)
    together with the reporting verbs of ``reporting_verbs.yml``."""
    return frozenset(read_word_list(lexicon_path("polnear_cue_words.txt"))) | reporting_verbs()


def _known_cue(seq: Seq, cue: Span) -> bool:
    """Does a proposed cue hold a verb or noun (auxiliaries aside) that cues are
    made of? The tagger generalises from context and now and then labels an
    ordinary verb a cue ("Qatar and Türkiye are mediating the discussions");
    no cue of PolNeAR's train split, nor the reporting-verb lexicon, has it."""
    words = cue_words()
    heads = [k for k in range(*cue) if seq.tags[k][:2] in ("VB", "NN") and seq.words[k] not in _AUX]
    return not heads or any(seq.words[k] in words or suffix_stem(seq.words[k]) in words for k in heads)


def _is_reporting(seq: Seq, i: int, verbs: frozenset[str]) -> bool:
    w = seq.words[i]
    return seq.tags[i].startswith("VB") and (w in verbs or suffix_stem(w) in verbs or w.rstrip("ed") in verbs)


def _rule_cues(seq: Seq, cues: list[Span]) -> list[Span]:
    """Add lexicon verbs the tagger missed where the context shows a report:
    "that", a colon or a quotation within three tokens after the verb (its
    object between, as in "told reporters that"), or a closed quotation and
    comma just before it ("...," said the minister). An auxiliary before a
    participle joins the cue ("was reported")."""
    verbs = reporting_verbs()
    taken = {k for a, b in cues for k in range(a, b)}
    n = len(seq.words)
    added = []
    for i in range(n):
        if i in taken or not _is_reporting(seq, i, verbs):
            continue
        si = seq.sent[i]
        after = [seq.words[k] for k in range(i + 1, min(i + 4, n)) if seq.sent[k] == si]
        before = [seq.words[k] for k in range(max(i - 2, 0), i) if seq.sent[k] == si]
        ok = (after[:1] in (["that"], [":"], ['"'])) or (after[:2] in ([",", '"'], [":", '"'])) \
            or ("that" in after[:3] and all(seq.tags[k] in _NP_TAGS for k in range(i + 1, i + 1 + after.index("that")))) \
            or before[-2:] in ([",", '"'], ['"', ","]) or before[-1:] == ['"']
        if not ok:
            continue
        a = i
        while a > 0 and seq.words[a - 1] in _AUX and seq.tags[i] == "VBN" and a - 1 not in taken:
            a -= 1
        added.append((a, i + 1))
    return sorted(cues + added)
