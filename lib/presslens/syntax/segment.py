"""Paragraphs, sentences, tokens and part-of-speech tags, as offset spans.

Built from NLTK's data-free parts (``PunktSentenceTokenizer`` with a shipped
abbreviation list, ``NLTKWordTokenizer.span_tokenize``) and the perceptron
tagger shipped in :mod:`presslens.syntax.tagger`. Nothing is downloaded.

Typography is normalised only in a same-length copy of the text used for
tokenising (curly quotes become straight ones, one character for one), so
offsets always index the raw text.

>>> from presslens.document.spans import Document
>>> doc = segment(Document("d", "Talks resume\\n\\nSources said talks would resume. They added more."))
>>> doc.layer("sentence")[["start", "end", "label"]].values.tolist()
[[0, 12, 'headline'], [14, 46, 'body'], [47, 63, 'body']]
>>> doc.texts("token")[:4]
['Talks', 'resume', 'Sources', 'said']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from presslens.resources.files import lexicon_path, read_word_list
from presslens.document.spans import Document
from presslens.syntax.furniture import BoilerplateMatcher, line_labels

Span = tuple[int, int]

# One character for one: the tokenizer sees straight quotes and ASCII
# apostrophes, while offsets stay valid for the raw text.
_SAME_LENGTH = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
})
_TERMINAL = ".!?:;\"'\u201d\u2019)]"
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_WORD = re.compile(r"\w")
#: Lines with at most this many words and no closing punctuation are headings,
#: datelines or bylines, not the first half of a wrapped sentence.
HEADING_MAX_WORDS = 8
#: A headline is a short first line; longer ones are lead paragraphs.
HEADLINE_MAX_WORDS = 30


def normalise_same_length(text: str) -> str:
    """Straighten quotes and spaces without changing the text's length."""
    return text.translate(_SAME_LENGTH)


def is_word(token: str) -> bool:
    """True for tokens that count as words (they hold a letter or digit)."""
    return bool(_WORD.search(token))


#: ASCII code points that :func:`is_word` accepts.
_ASCII_WORD = np.array([bool(_WORD.search(chr(c))) for c in range(128)])


def word_char_counts(text: str) -> np.ndarray:
    """``c[i]``: how many of ``text[:i]`` are word characters (length ``len(text) + 1``).

    ``c[e] > c[s]`` is :func:`is_word` of ``text[s:e]``: the characters of
    a text are classified once instead of a regular-expression search per
    token.

    >>> c = word_char_counts("Talks, 2 days.")
    >>> [bool(c[e] > c[s]) for s, e in [(0, 5), (5, 6), (7, 8), (9, 13), (13, 14)]]
    [True, False, True, True, False]
    """
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = np.zeros(len(cp), dtype=bool)
    low = cp < 128
    word[low] = _ASCII_WORD[cp[low]]
    high = np.flatnonzero(~low)
    if len(high):
        points, inverse = np.unique(cp[high], return_inverse=True)
        word[high] = np.array([bool(_WORD.search(chr(int(c)))) for c in points])[inverse.reshape(-1)]
    return np.concatenate([[0], np.cumsum(word)])


def paragraph_spans(text: str) -> list[Span]:
    """Blocks of text separated by blank lines, trimmed of outer whitespace."""
    spans = []
    pos = 0
    for m in list(_BLANK_LINE.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        span = _trim(text, pos, end)
        if span:
            spans.append(span)
        if m:
            pos = m.end()
    return spans


def line_spans(text: str, start: int, end: int) -> list[Span]:
    """Non-empty lines inside ``[start, end)``, trimmed."""
    spans = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        span = _trim(text, pos, stop)
        if span:
            spans.append(span)
        pos = stop + 1
    return spans


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


class Segmenter:
    """Splits a document into paragraphs, sentences and tagged tokens.

    >>> seg = Segmenter()
    >>> doc = seg.segment(Document("d", "Mr. Khan said so. He left."))
    >>> doc.texts("sentence")
    ['Mr. Khan said so.', 'He left.']
    """

    def __init__(
        self,
        extra_abbreviations: Iterable[str] = (),
        extra_boilerplate: Sequence[str | Path] = (),
        tagger=None,
    ) -> None:
        # NLTK loads here, not at import: report notebooks import this module
        # for its helpers and never segment (they read annotations).
        from nltk.tokenize.destructive import NLTKWordTokenizer
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

        params = PunktParameters()
        abbrevs = read_word_list(lexicon_path("abbreviations.txt")) + [a.lower().rstrip(".") for a in extra_abbreviations]
        params.abbrev_types = set(abbrevs)
        self._punkt = PunktSentenceTokenizer(params)
        self._words = NLTKWordTokenizer()
        self._boilerplate = BoilerplateMatcher.from_files([lexicon_path("boilerplate.yml"), *extra_boilerplate])
        self._tagger = tagger

    @property
    def tagger(self):
        if self._tagger is None:
            from presslens.syntax.tagger import default_tagger  # the model loads on first use

            self._tagger = default_tagger()
        return self._tagger

    def segments(self, text: str, start: int, end: int) -> list[Span]:
        """Lines of a paragraph joined where a sentence runs across a line break."""
        out: list[list[int]] = []
        for ls, le in line_spans(text, start, end):
            if out and not self._line_ends_unit(text, out[-1][0], out[-1][1]):
                out[-1][1] = le
            else:
                out.append([ls, le])
        return [(s, e) for s, e in out]

    @staticmethod
    def _line_ends_unit(text: str, start: int, end: int) -> bool:
        line = text[start:end]
        return line[-1] in _TERMINAL or len(line.split()) <= HEADING_MAX_WORDS

    def sentence_spans(self, text: str, start: int, end: int) -> list[Span]:
        """Sentences of ``text[start:end]`` (one segment) by Punkt."""
        chunk = normalise_same_length(text[start:end])
        return [(start + s, start + e) for s, e in self._punkt.span_tokenize(chunk)]

    def token_spans(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """Word tokens of one sentence: ``(start, end, form)``.

        ``form`` is the normalised token the tagger sees (straight quotes
        turned into Penn's ````` and ``''``).
        """
        chunk = normalise_same_length(text[start:end])
        out = []
        for s, e in self._words.span_tokenize(chunk):
            form = chunk[s:e]
            if form == '"':
                form = "``" if s == 0 or chunk[s - 1].isspace() or chunk[s - 1] in "([{" else "''"
            out.append((start + s, start + e, form))
        return out

    def segment(self, doc: Document) -> Document:
        """Add the layers ``paragraph``, ``sentence`` and ``token`` to ``doc``.

        Paragraph and sentence labels are ``headline``, ``body`` or
        ``boilerplate``; token labels are Penn Treebank tags.
        """
        return self.segment_many([doc])[0]

    def segment_many(self, docs: Sequence[Document]) -> list[Document]:
        """:meth:`segment` for many documents, tagging all their sentences in one batch.

        The tagger steps through a batch one token position at a time, so
        one batch for many articles costs far fewer steps than one per
        article; tags do not depend on the batch (see :mod:`presslens.syntax.tagger`).

        >>> docs = Segmenter().segment_many([Document("a", "They met."), Document("b", "Sources said so.")])
        >>> [d.layer("token")["label"].tolist() for d in docs]
        [['PRP', 'VBD', '.'], ['NNS', 'VBD', 'RB', '.']]
        """
        layouts = [self._layout(doc) for doc in docs]
        forms = [[form for _, _, form in toks] for _, _, spans in layouts for toks in spans]
        tags = iter(self.tagger.tag_sents(forms))
        for doc, (paragraphs, sentences, spans_per_sentence) in zip(docs, layouts):
            _add_tuples(doc, "paragraph", paragraphs)
            _add_tuples(doc, "sentence", sentences)
            t_starts: list[int] = []
            t_ends: list[int] = []
            t_tags: list[str] = []
            for toks in spans_per_sentence:
                sent_tags = next(tags)
                m = min(len(toks), len(sent_tags))  # zip() semantics
                t_starts.extend(t[0] for t in toks[:m])
                t_ends.extend(t[1] for t in toks[:m])
                t_tags.extend(sent_tags[:m])
            doc.add_spans("token", t_starts, t_ends, t_tags)
        return list(docs)

    def _layout(self, doc: Document) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]],
                                              list[list[tuple[int, int, str]]]]:
        """Paragraphs, sentences (with labels) and each sentence's token spans: all but the tags.

        Lines are labelled first (:mod:`presslens.syntax.furniture`), so that
        furniture never merges into the headline or a body sentence; body
        lines of a paragraph then join where a sentence runs across a line break.
        """
        text = doc.text
        paragraphs: list[tuple[int, int, str]] = []
        sentences: list[tuple[int, int, str]] = []
        title = str(doc.meta.get("title", ""))
        lines = [(k, ls, le) for k, (ps, pe) in enumerate(paragraph_spans(text)) for ls, le in line_spans(text, ps, pe)]
        labels = line_labels([normalise_same_length(text[ls:le]) for _, ls, le in lines], self._boilerplate, title)
        segments: list[list] = []  # [start, end, label, paragraph]
        for (k, ls, le), label in zip(lines, labels):
            prev = segments[-1] if segments else None
            if prev and label == "body" and prev[2] == "body" and prev[3] == k \
                    and not self._line_ends_unit(text, prev[0], prev[1]):
                prev[1] = le
            else:
                segments.append([ls, le, label, k])
        for ss, se, label, _ in segments:
            paragraphs.append((ss, se, label))
            units = [(ss, se)] if label == "headline" else self.sentence_spans(text, ss, se)
            sentences.extend((s, e, label) for s, e in units)
        return paragraphs, sentences, [self.token_spans(text, s, e) for s, e, _ in sentences]

def _add_tuples(doc: Document, layer: str, rows: list[tuple[int, int, str]]) -> None:
    doc.add_spans(layer, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The segmenter with the shipped abbreviations, boilerplate list and tagger."""
    return Segmenter()


def segment(doc: Document) -> Document:
    """Add paragraph, sentence and token layers with the default segmenter."""
    return default_segmenter().segment(doc)


def iter_sentences(doc: Document, labels: Iterable[str] = ("body",)) -> Iterator[tuple[int, int, str]]:
    """``(start, end, label)`` of the sentences whose label is in ``labels``."""
    wanted = set(labels)
    table = doc.layer("sentence")
    for s, e, label in table[["start", "end", "label"]].itertuples(index=False):
        if label in wanted:
            yield int(s), int(e), label


@dataclass(frozen=True)
class BodyCounts:
    """What every figure counts in: the words and sentences of the body (headline and boilerplate left out)."""

    words: int
    sentences: int
    headline: int  # headline sentences (0 or 1), not counted
    boilerplate: int  # boilerplate sentences, not counted

    def describe(self) -> str:
        """The one line every page and the command line print.

        >>> BodyCounts(378, 15, 1, 3).describe()
        '378 words in 15 body sentences (headline and 3 boilerplate lines not counted)'
        """
        left = [part for part, n in (("headline", self.headline), (f"{self.boilerplate} boilerplate "
                                                                   f"line{'s' * (self.boilerplate != 1)}",
                                                                   self.boilerplate)) if n]
        out = f"{self.words:,} words in {self.sentences:,} body sentence{'s' * (self.sentences != 1)}"
        return out + (f" ({' and '.join(left)} not counted)" if left else "")


def body_counts(doc: Document) -> BodyCounts:
    """Words (tokens holding a letter or digit) and sentences of the body: the one count of every page.

    >>> doc = segment(Document("d", "Talks resume\\n\\nSources said talks would resume. They added more."))
    >>> body_counts(doc)
    BodyCounts(words=8, sentences=2, headline=1, boilerplate=0)
    """
    sents = doc.layer("sentence")
    labels = sents["label"].tolist()
    starts, ends = sents["start"].to_numpy(), sents["end"].to_numpy()
    t_start = doc.layer("token")["start"].to_numpy()
    t_end = doc.layer("token")["end"].to_numpy()
    count = word_char_counts(doc.text)
    is_word_token = count[t_end] > count[t_start]
    words = 0
    for i, lab in enumerate(labels):
        if lab == "body":
            a, b = np.searchsorted(t_start, [starts[i], ends[i]], "left")
            words += int(is_word_token[a:b].sum())
    return BodyCounts(words, labels.count("body"), labels.count("headline"), labels.count("boilerplate"))
